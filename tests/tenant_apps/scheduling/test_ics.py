"""Appointments as .ics files: parsed back with icalendar, stable UID, exact times and zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.test.client import TenantClient
from icalendar import Calendar

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_reschedule,
    appointment_transition,
)
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
ACTOR = Actor(label="Desk")


def book(staff: StaffMember, start: datetime, **service_kw: Any) -> Appointment:
    service = ServiceFactory(name="Deep tissue massage", performers=[staff], **service_kw)
    return appointment_create(
        service=service,
        staff=staff,
        customer=CustomerFactory(full_name="Pat Doe", email="pat@example.test", phone="0700"),
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
        customer_note="Sore shoulder",
    )


def event_of(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def ann(in_alpha: Tenant) -> StaffMember:
    person = StaffMemberFactory(display_name="Ann")
    weekly_hours_set(person)
    return person


@pytest.fixture
def owner(alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


def test_ics_has_a_stable_uid_and_the_studio_time_in_summer(ann, owner, alpha):
    Tenant.objects.filter(pk=alpha.pk).update(address="1 High Street, London")
    # 29 March 2027: the day after the clocks go forward, 10:00 BST = 09:00 UTC.
    start = datetime(2027, 3, 29, 10, tzinfo=LONDON)
    appointment = book(ann, start)
    response = owner.get(f"/api/v1/appointments/{appointment.pk}.ics")
    assert response["Content-Disposition"] == (
        f'attachment; filename="appointment-{appointment.reference}.ics"'
    )
    calendar, event = event_of(response)
    assert str(calendar["PRODID"]) == "-//StudioBook//Appointments//EN"
    assert str(event["UID"]) == f"{appointment.reference}@alpha.localhost"
    dtstart, dtend = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert dtstart == start
    assert dtstart.astimezone(UTC) == datetime(2027, 3, 29, 9, tzinfo=UTC)
    assert dtstart.utcoffset() == timedelta(hours=1)
    assert dtend - dtstart == timedelta(hours=1)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["SUMMARY"]) == "Deep tissue massage: Pat Doe with Ann"
    assert str(event["LOCATION"]) == "1 High Street, London"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0
    description = str(event["DESCRIPTION"])
    assert f"Booking reference: {appointment.reference}" in description
    assert "Customer: Pat Doe <pat@example.test>" in description
    assert "Note: Sore shoulder" in description


def test_ics_in_winter_and_in_the_staff_members_own_zone(ann, owner):
    ben = StaffMemberFactory(display_name="Ben", timezone="America/New_York")
    weekly_hours_set(ben)
    start = datetime(2027, 1, 11, 9, 30, tzinfo=NEW_YORK)  # 14:30 UTC
    appointment = book(ben, start)
    calendar, event = event_of(owner.get(f"/api/v1/appointments/{appointment.pk}.ics"))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 1, 11, 14, 30, tzinfo=UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=-5)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(event["LOCATION"]) == "Alpha Pilates"  # no address: the studio's name


def test_the_uid_stays_while_the_booking_moves_and_changes_status(ann, owner):
    appointment = book(ann, datetime(2027, 2, 1, 10, tzinfo=LONDON))
    _, before = event_of(owner.get(f"/api/v1/appointments/{appointment.pk}/ics/"))
    moved = appointment_reschedule(
        appointment=appointment,
        start=datetime(2027, 2, 1, 14, tzinfo=LONDON),
        staff=None,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
    )
    appointment_transition(
        appointment=moved,
        to_status=AppointmentStatus.CANCELLED,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        reason="Unwell",
    )
    _, after = event_of(owner.get(f"/api/v1/appointments/{appointment.pk}/ics"))
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTSTART") == datetime(2027, 2, 1, 14, tzinfo=LONDON)
    assert str(after["STATUS"]) == "CANCELLED"
    assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 2)
    assert "Cancelled: Unwell" in str(after["DESCRIPTION"])


def test_a_pending_booking_is_tentative(ann, owner):
    appointment = book(ann, datetime(2027, 2, 1, 10, tzinfo=LONDON), requires_approval=True)
    _, event = event_of(owner.get(f"/api/v1/appointments/{appointment.pk}.ics"))
    assert str(event["STATUS"]) == "TENTATIVE"


def test_a_client_asking_for_text_calendar_gets_it(ann, owner):
    appointment = book(ann, datetime(2027, 2, 1, 10, tzinfo=LONDON))
    response = owner.get(f"/api/v1/appointments/{appointment.pk}.ics", HTTP_ACCEPT="text/calendar")
    event_of(response)
    missing = owner.get("/api/v1/appointments/999999.ics", HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "appointment_not_found"
