"""Owner API lists run a constant number of queries, however many rows and links they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import DateOverride, TimeOff
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import MONDAY_10, book, member


@dataclass
class Anchor:
    """A staff member, a service they perform and a customer: the subjects of nested lists."""

    staff: StaffMember
    service: Service
    customer: Customer
    added: int = 0


def _add_rows(anchor: Anchor, n: int) -> None:
    """n more of everything, each linked to several others."""
    staff = [StaffMemberFactory() for _ in range(n)]
    for person in staff:
        person.user = member(connection.tenant, "staff", email=f"{person.pk}@staff.test")
        person.save(update_fields=["user"])
    services = [ServiceFactory(performers=staff) for _ in range(n)]
    for _ in range(n):
        index = anchor.added
        anchor.added += 1
        page = BookingPage.objects.create(slug=f"page-{index}", title="Page")
        page.services.set(services)
        page.staff.set(staff)
        CustomerFactory()
        start = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(days=index)
        TimeOff.objects.create(staff=anchor.staff, start=start, end=start + timedelta(hours=2))
        DateOverride.objects.create(staff=anchor.staff, date=start.date() + timedelta(days=60))
        book(anchor.service, anchor.staff, anchor.customer, MONDAY_10 + timedelta(days=index))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/",
        "/api/v1/staff/",
        "/api/v1/booking-pages/",
        "/api/v1/customers/",
        "/api/v1/time-off/",
        "/api/v1/staff/{staff}/time-off/",
        "/api/v1/staff/{staff}/weekly-hours/",
        "/api/v1/staff/{staff}/date-overrides/",
        "/api/v1/customers/{customer}/appointments/",
    ],
)
def test_lists_run_a_constant_number_of_queries(in_alpha, alpha_client, alpha_owner, path):
    staff = StaffMemberFactory(display_name="Anchor")
    weekly_hours_set(staff)
    anchor = Anchor(staff, ServiceFactory(performers=[staff]), CustomerFactory())
    url = path.format(staff=staff.pk, customer=anchor.customer.pk)
    alpha_client.force_login(alpha_owner)
    _add_rows(anchor, 1)
    alpha_client.get(url)  # warm: host lookup and session caches
    with CaptureQueriesContext(connection) as few:
        first = alpha_client.get(url)
    _add_rows(anchor, 4)

    with CaptureQueriesContext(connection) as many:
        second = alpha_client.get(url)

    assert first.status_code == second.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
