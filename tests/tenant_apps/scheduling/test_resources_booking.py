"""Appointments hold the rooms and equipment their service needs: booking reserves them,
rescheduling moves them, rejecting or cancelling frees them, and availability leaves out the
times when they are fully held, through the services and the HTTP APIs.

A private reformer session needs 1 of 2 reformers and the one small studio; Ann and Ben both
give it. Bookings are made some weeks ahead of the real clock, on Mondays, studio time.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.classes.models import ClassSession, ClassType, SessionStatus
from tenant_apps.notifications.models import Notification
from tenant_apps.resources.models import Reservation, ResourceKind, ServiceResourceNeed
from tenant_apps.scheduling import errors, services
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_reschedule,
    appointment_transition,
    booking_problem,
)
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.resources import ResourceFactory

LONDON = ZoneInfo("Europe/London")
PROBLEM = "application/problem+json"
ACTOR = Actor(label="Desk")


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def studio(in_alpha: Tenant) -> dict[str, Any]:
    ann = StaffMemberFactory(display_name="Ann")
    ben = StaffMemberFactory(display_name="Ben")
    for person in (ann, ben):
        weekly_hours_set(person)
    room = ResourceFactory(name="Small studio")
    reformers = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=2)
    private = ServiceFactory(
        name="Private reformer", performers=[ann, ben], buffer_after_minutes=15
    )
    ServiceResourceNeed.objects.create(service=private, resource=room, quantity=1)
    ServiceResourceNeed.objects.create(service=private, resource=reformers, quantity=1)
    plain = ServiceFactory(name="Massage", performers=[ann, ben])
    return {
        "ann": ann,
        "ben": ben,
        "room": room,
        "reformers": reformers,
        "private": private,
        "plain": plain,
    }


def book(service: Any, staff: Any, start: datetime, **kw: Any) -> Appointment:
    return appointment_create(
        service=service,
        staff=staff,
        customer=kw.pop("customer", None) or CustomerFactory(),
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
        **kw,
    )


def held(appointment: Appointment) -> list[tuple[str, int, datetime, datetime]]:
    return [
        (r.resource.name, r.unit, r.start, r.end)
        for r in Reservation.objects.filter(appointment=appointment, is_active=True)
        .select_related("resource")
        .order_by("resource__name", "unit")
    ]


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


# --- services -----------------------------------------------------------------------------------


def test_a_booking_holds_its_services_resources_over_its_blocked_time(studio):
    day = monday()

    appointment = book(studio["private"], studio["ann"], at(day, 10))

    assert held(appointment) == [
        ("Reformer", 1, at(day, 10), at(day, 11, 15)),
        ("Small studio", 1, at(day, 10), at(day, 11, 15)),
    ]


def test_a_booking_without_needs_holds_nothing(studio):
    appointment = book(studio["plain"], studio["ann"], at(monday(), 10))

    assert held(appointment) == []
    assert Reservation.objects.count() == 0


def test_the_room_refuses_a_second_booking_with_another_staff_member(studio):
    day = monday()
    book(studio["private"], studio["ann"], at(day, 10))
    notifications = Notification.objects.count()

    with pytest.raises(errors.SlotUnavailableError) as caught:
        book(studio["private"], studio["ben"], at(day, 11))  # inside 10:00-11:15

    assert caught.value.code == "resource_unavailable"
    assert caught.value.status == 409
    assert Appointment.objects.count() == 1
    assert Reservation.objects.count() == 2
    assert Notification.objects.count() == notifications


def test_after_the_buffer_the_room_is_free_again(studio):
    day = monday()
    book(studio["private"], studio["ann"], at(day, 10))

    second = book(studio["private"], studio["ben"], at(day, 11, 15))

    assert held(second) == [
        ("Reformer", 1, at(day, 11, 15), at(day, 12, 30)),
        ("Small studio", 1, at(day, 11, 15), at(day, 12, 30)),
    ]


def test_booking_problem_names_the_resource_reason(studio):
    day = monday()
    book(studio["private"], studio["ann"], at(day, 10))

    problem_code = booking_problem(
        service=studio["private"],
        staff=studio["ben"],
        start=at(day, 10, 30),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )

    assert problem_code == errors.RESOURCE_UNAVAILABLE


def test_the_resources_lock_gives_the_detail_naming_the_resource(studio, monkeypatch):
    """When the early check passes but the units are gone by the time the resource is locked
    (another booking committed in between), the 409 names what is missing."""
    day = monday()
    book(studio["private"], studio["ann"], at(day, 10))
    monkeypatch.setattr(services, "resources_fit", lambda *args: True)

    with pytest.raises(errors.SlotUnavailableError) as caught:
        book(studio["private"], studio["ben"], at(day, 10))

    assert caught.value.code == "resource_unavailable"
    assert caught.value.detail == "Small studio is already in use at this time."
    assert Appointment.objects.count() == 1


def test_any_staff_reports_the_full_room_rather_than_a_taken_time(studio):
    day = monday()
    book(studio["private"], studio["ann"], at(day, 10))

    with pytest.raises(errors.SlotUnavailableError) as caught:
        book(studio["private"], None, at(day, 10))

    assert caught.value.code == "resource_unavailable"


def test_cancelling_and_rejecting_free_the_units(studio):
    day = monday()
    cancelled = book(studio["private"], studio["ann"], at(day, 10))
    appointment_transition(
        appointment=cancelled,
        to_status=AppointmentStatus.CANCELLED,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        reason="Unwell",
    )
    studio["private"].requires_approval = True
    studio["private"].save(update_fields=["requires_approval"])
    rejected = book(studio["private"], studio["ben"], at(day, 10))
    assert rejected.status == AppointmentStatus.PENDING
    assert len(held(rejected)) == 2  # a request holds its resources while it waits

    appointment_transition(
        appointment=rejected,
        to_status=AppointmentStatus.REJECTED,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        reason="Fully booked",
    )

    assert held(cancelled) == [] and held(rejected) == []
    assert Reservation.objects.filter(is_active=False).count() == 4
    assert len(held(book(studio["private"], studio["ben"], at(day, 10)))) == 2


def test_completed_and_no_show_appointments_keep_their_units(studio):
    day = monday()
    done = book(studio["private"], studio["ann"], at(day, 10))
    missed = book(studio["private"], studio["ben"], at(day, 14))

    for appointment, status in ((done, "completed"), (missed, "no_show")):
        appointment_transition(
            appointment=appointment,
            to_status=status,
            actor=ACTOR,
            now=timezone.now(),
            studio_timezone="Europe/London",
        )

    assert len(held(done)) == 2 and len(held(missed)) == 2


def test_reschedule_moves_the_units(studio):
    day = monday()
    appointment = book(studio["private"], studio["ann"], at(day, 10))

    appointment_reschedule(
        appointment=appointment,
        start=at(day, 10, 30),  # overlaps its own old time: never blocked by itself
        staff=studio["ben"],
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
    )

    assert held(appointment) == [
        ("Reformer", 1, at(day, 10, 30), at(day, 11, 45)),
        ("Small studio", 1, at(day, 10, 30), at(day, 11, 45)),
    ]


def test_a_reschedule_into_a_held_room_is_refused_and_changes_nothing(studio):
    day = monday()
    moving = book(studio["private"], studio["ann"], at(day, 10))
    book(studio["private"], studio["ben"], at(day, 14))

    with pytest.raises(errors.SlotUnavailableError) as caught:
        appointment_reschedule(
            appointment=moving,
            start=at(day, 14, 30),
            staff=None,
            actor=ACTOR,
            now=timezone.now(),
            studio_timezone="Europe/London",
        )

    assert caught.value.code == "resource_unavailable"
    moving.refresh_from_db()
    assert moving.start == at(day, 10)
    assert held(moving) == [
        ("Reformer", 1, at(day, 10), at(day, 11, 15)),
        ("Small studio", 1, at(day, 10), at(day, 11, 15)),
    ]


def test_a_switched_off_resource_makes_the_service_unbookable(studio):
    studio["room"].is_active = False
    studio["room"].save(update_fields=["is_active"])

    with pytest.raises(errors.SlotUnavailableError) as caught:
        book(studio["private"], studio["ann"], at(monday(), 10))

    assert caught.value.code == "resource_unavailable"
    assert Appointment.objects.count() == 0


def test_an_instructors_class_blocks_them_like_an_appointment(studio):
    day = monday()
    kind = ClassType.objects.create(name="Mat", currency="GBP")
    ClassSession.objects.create(
        class_type=kind,
        instructor=studio["ann"],
        start=at(day, 10),
        end=at(day, 11),
        capacity=8,
        currency="GBP",
    )
    ClassSession.objects.create(
        class_type=kind,
        instructor=studio["ann"],
        start=at(day, 14),
        end=at(day, 15),
        capacity=8,
        currency="GBP",
        status=SessionStatus.CANCELLED,
    )

    with pytest.raises(errors.SlotUnavailableError) as caught:
        book(studio["plain"], studio["ann"], at(day, 10, 30))

    assert caught.value.code == "slot_taken"
    assert book(studio["plain"], studio["ann"], at(day, 14)).staff_id == studio["ann"].pk


# --- HTTP ---------------------------------------------------------------------------------------


@pytest.fixture
def owner(alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


def test_the_owner_api_refuses_the_room_twice_with_two_staff(studio, owner):
    day = monday()
    customer = CustomerFactory()

    def create(person: Any) -> Any:
        body = {
            "service": studio["private"].pk,
            "staff": person.pk,
            "customer": customer.pk,
            "start": at(day, 10).isoformat(),
        }
        return owner.post(
            "/api/v1/appointments/", data=json.dumps(body), content_type="application/json"
        )

    assert create(studio["ann"]).status_code == 201
    body = problem(create(studio["ben"]), 409, "resource_unavailable")

    assert body["detail"] == errors.MESSAGES[errors.RESOURCE_UNAVAILABLE]
    assert Appointment.objects.count() == 1
    assert Reservation.objects.count() == 2


def test_the_public_api_refuses_the_room_twice_with_two_staff(studio, alpha_client):
    day = monday()

    def create(person: Any, n: int) -> Any:
        body = {
            "service": studio["private"].pk,
            "staff": person.pk,
            "start": at(day, 10).isoformat(),
            "name": f"Pat {n}",
            "email": f"pat{n}@example.test",
        }
        return alpha_client.post(
            "/api/v1/public/bookings/", data=json.dumps(body), content_type="application/json"
        )

    assert create(studio["ann"], 1).status_code == 201
    problem(create(studio["ben"], 2), 409, "resource_unavailable")

    assert Appointment.objects.count() == 1


def test_public_slots_leave_out_the_times_the_room_is_held(studio, alpha_client):
    day = monday()
    book(studio["private"], studio["ann"], at(day, 10))  # the room: 10:00-11:15

    response = alpha_client.get(
        f"/api/v1/public/slots?service={studio['private'].pk}&staff=any&start={day}&end={day}"
    )

    assert response.status_code == 200, response.content
    starts = [s["start"] for s in response.json()["slots"]]
    # 60 minutes + 15 after, 9-17 on a 15-minute grid, clear of the room's 10:00-11:15 for
    # Ben too (a 9:00 booking would hold the room until 10:15).
    expected = [at(day, 11, 15) + timedelta(minutes=15 * i) for i in range(20)]
    assert starts == [utc_text(s) for s in expected]
    plain = alpha_client.get(
        f"/api/v1/public/slots?service={studio['plain'].pk}&staff={studio['ben'].pk}"
        f"&start={day}&end={day}"
    )
    assert utc_text(at(day, 10)) in [s["start"] for s in plain.json()["slots"]]


def test_slots_for_a_service_with_needs_take_no_extra_query(studio, alpha_client):
    day = monday()
    url = "/api/v1/public/slots?service={}&staff=any&start={}&end={}"
    alpha_client.get(url.format(studio["plain"].pk, day, day))  # warm the host cache

    with CaptureQueriesContext(connection) as plain:
        alpha_client.get(url.format(studio["plain"].pk, day, day))
    with CaptureQueriesContext(connection) as needing:
        alpha_client.get(url.format(studio["private"].pk, day, day))

    assert len(needing.captured_queries) == len(plain.captured_queries)


def test_booking_a_service_without_needs_costs_no_extra_query(studio, alpha_client):
    """Only a service with needs pays for its reservations (lock, read, insert)."""
    day = monday()

    def create(service: Any, n: int) -> int:
        body = {
            "service": service.pk,
            "staff": studio["ann"].pk,
            "start": at(day, 9 + 2 * n).isoformat(),
            "name": "Pat",
            "email": "pat@example.test",
        }
        with CaptureQueriesContext(connection) as queries:
            response = alpha_client.post(
                "/api/v1/public/bookings/", data=json.dumps(body), content_type="application/json"
            )
        assert response.status_code == 201, response.content
        return len(queries.captured_queries)

    create(studio["plain"], 0)  # warm: host cache, the customer exists from here on
    without = create(studio["plain"], 1)
    with_needs = create(studio["private"], 2)

    assert with_needs == without + 3
