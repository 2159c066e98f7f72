from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentSource
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD

ALPHA = "alpha.localhost"


@pytest.fixture
def web(db) -> Client:  # type: ignore[no-untyped-def]
    return Client()


@pytest.fixture
def make_member(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    def make(tenant: Tenant, role: str, email: str | None = None) -> User:
        user = User.objects.create_user(
            email or f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=f"{role.title()} Person"
        )
        Membership.objects.create(user=user, tenant=tenant, role=role)
        return user

    return make


_counter = {"n": 0}


def book(
    *,
    staff: StaffMember,
    service: Service,
    customer: Customer,
    start: datetime,
    status: str,
    price: Decimal | None = None,
    currency: str = "GBP",
    note: str = "",
    source: str = AppointmentSource.OWNER_APP,
) -> Appointment:
    """An appointment row as the services would leave it (no buffers)."""
    _counter["n"] += 1
    end = start + timedelta(minutes=service.duration_minutes)
    return Appointment.objects.create(
        reference=f"T{_counter['n']:07d}",
        service=service,
        staff=staff,
        customer=customer,
        start=start,
        end=end,
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        blocked_start=start,
        blocked_end=end,
        status=status,
        source=source,
        price=service.price if price is None else price,
        currency=currency,
        customer_note=note,
    )
