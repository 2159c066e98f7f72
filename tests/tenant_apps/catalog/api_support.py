"""Helpers for the owner API tests (catalog, customers, availability, permission matrix)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.test import Client

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    DateOverride,
    TimeOff,
    WeeklyHours,
)
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD

PROBLEM = "application/problem+json"
NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)
MONDAY_10 = datetime(2026, 11, 23, 10, tzinfo=UTC)  # 10:00 in London (GMT)


def member(tenant: Tenant, role: str, email: str | None = None) -> User:
    user = User.objects.create_user(
        email or f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=f"{role.title()} Person"
    )
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    """A JSON request through the whole stack (the client carries the studio's host)."""
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method.lower())(path, **kwargs)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The problem+json body, after checking its status, content type and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return body


def book(service: Service, staff: StaffMember, customer: Customer, start: datetime) -> Appointment:
    """A confirmed booking made the way the owner app makes them (the staff member needs hours
    at `start`)."""
    return appointment_create(
        service=service,
        staff=staff,
        customer=customer,
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Test"),
        now=NOW,
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )


def studio_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row the owner API can write, in the active schema: equal snapshots before and
    after a refused request prove nothing was written."""
    assert connection.schema_name != "public"
    return {
        "services": list(Service.objects.order_by("pk").values_list()),
        "service_staff": list(Service.staff.through.objects.order_by("pk").values_list()),
        "staff": list(StaffMember.objects.order_by("pk").values_list()),
        "pages": list(BookingPage.objects.order_by("pk").values_list()),
        "page_services": list(BookingPage.services.through.objects.order_by("pk").values_list()),
        "page_staff": list(BookingPage.staff.through.objects.order_by("pk").values_list()),
        "customers": list(Customer.objects.order_by("pk").values_list()),
        "weekly": list(WeeklyHours.objects.order_by("pk").values_list()),
        "overrides": list(DateOverride.objects.order_by("pk").values_list()),
        "time_off": list(TimeOff.objects.order_by("pk").values_list()),
    }
