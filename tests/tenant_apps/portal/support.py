"""Shared helpers of the portal and review tests: a studio day with Ann (9-17 every day) giving
a 60-minute massage, bookings made the way the owner app makes them, and sign-in through the
real booking link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.portal.links import booking_link_path
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_transition,
)
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Studio:
    ann: StaffMember
    massage: Service
    pat: Customer  # the customer signed in in most tests
    sam: Customer  # another customer of the same studio


def studio_create() -> Studio:
    ann = StaffMemberFactory(display_name="Ann Lee")
    weekly_hours_set(ann)
    massage = ServiceFactory(name="Massage", performers=[ann])
    pat = CustomerFactory(full_name="Pat Doe", email="pat@example.test")
    sam = CustomerFactory(full_name="Sam Roe", email="sam@example.test")
    return Studio(ann=ann, massage=massage, pat=pat, sam=sam)


def day_ahead(days: int) -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=days)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def book(studio: Studio, start: datetime, customer: Customer | None = None) -> Appointment:
    return appointment_create(
        service=studio.massage,
        staff=studio.ann,
        customer=customer or studio.pat,
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )


def completed(studio: Studio, start: datetime, customer: Customer | None = None) -> Appointment:
    """A booking in the past that took place."""
    appointment = book(studio, start, customer)
    return appointment_transition(
        appointment=appointment,
        to_status=AppointmentStatus.COMPLETED,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
    )


def sign_in_via_booking(client: TenantClient, appointment: Appointment) -> None:
    response = client.get(booking_link_path(appointment))
    assert response.status_code == 302
    assert response["Location"] == f"/portal/bookings/{appointment.reference}/"
