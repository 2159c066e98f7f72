from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tenant_apps.scheduling import errors
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentActivity,
    AppointmentSource,
    AppointmentStatus,
    TimeOff,
)
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_reschedule,
    appointment_transition,
)
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)
MONDAY_10 = datetime(2026, 11, 23, 10, tzinfo=UTC)  # 10:00 in London (GMT)
ACTOR = Actor(label="Test")


@pytest.fixture
def setup(in_alpha):
    staff = StaffMemberFactory()
    weekly_hours_set(staff)
    service = ServiceFactory(performers=[staff], buffer_after_minutes=15)
    return staff, service, CustomerFactory()


def _book(service, staff, customer, start, **kw):
    return appointment_create(
        service=service,
        staff=staff,
        customer=customer,
        start=start,
        source=AppointmentSource.API,
        actor=ACTOR,
        now=NOW,
        studio_timezone="Europe/London",
        **kw,
    )


def test_create_confirms_and_logs(setup):
    staff, service, customer = setup
    appointment = _book(service, staff, customer, MONDAY_10)
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert len(appointment.reference) == 8
    assert appointment.blocked_end == MONDAY_10 + timedelta(minutes=75)
    assert list(AppointmentActivity.objects.values_list("action", flat=True)) == ["created"]


def test_requires_approval_starts_pending(setup):
    staff, service, customer = setup
    service.requires_approval = True
    service.save(update_fields=["requires_approval"])
    assert _book(service, staff, customer, MONDAY_10).status == AppointmentStatus.PENDING


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (MONDAY_10 + timedelta(minutes=30), errors.SLOT_TAKEN),  # overlaps the first booking
        (MONDAY_10 + timedelta(minutes=65), errors.SLOT_TAKEN),  # inside its 15-min buffer
        (datetime(2026, 11, 23, 20, tzinfo=UTC), errors.OUTSIDE_HOURS),
        (datetime(2026, 11, 20, 8, 30, tzinfo=UTC), errors.TOO_SOON),
        (datetime(2027, 6, 1, 10, tzinfo=UTC), errors.TOO_FAR),
        (MONDAY_10 + timedelta(hours=3, minutes=7), errors.OFF_GRID),
    ],
)
def test_unavailable_times_are_refused_with_a_reason(setup, start, code):
    staff, service, customer = setup
    _book(service, staff, customer, MONDAY_10)
    service.min_notice_minutes = 120
    service.save(update_fields=["min_notice_minutes"])
    with pytest.raises(errors.SlotUnavailableError) as caught:
        _book(service, staff, customer, start)
    assert caught.value.code == code
    assert Appointment.objects.count() == 1


def test_time_off_is_refused(setup):
    staff, service, customer = setup
    TimeOff.objects.create(staff=staff, start=MONDAY_10, end=MONDAY_10 + timedelta(hours=2))
    with pytest.raises(errors.SlotUnavailableError) as caught:
        _book(service, staff, customer, MONDAY_10 + timedelta(hours=1))
    assert caught.value.code == errors.STAFF_TIME_OFF


def test_the_database_refuses_an_overlap_even_without_the_recheck(setup):
    staff, service, customer = setup
    first = _book(service, staff, customer, MONDAY_10)
    clash = Appointment(
        reference="ZZZZZZZZ",
        service=service,
        staff=staff,
        customer=customer,
        start=first.start,
        end=first.end,
        buffer_before=first.buffer_before,
        buffer_after=first.buffer_after,
        blocked_start=first.blocked_start,
        blocked_end=first.blocked_end,
        status=AppointmentStatus.CONFIRMED,
        source=AppointmentSource.API,
        price=service.price,
        currency="GBP",
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        clash.save()
    assert caught.value.__cause__.sqlstate == "23P01"


def test_any_staff_picks_someone_free(setup):
    staff, service, customer = setup
    other = StaffMemberFactory(display_name="Zed")
    weekly_hours_set(other)
    service.staff.add(other)
    _book(service, staff, customer, MONDAY_10)
    second = _book(service, None, CustomerFactory(), MONDAY_10)
    assert second.staff == other


def test_transitions_follow_the_rules(setup):
    staff, service, customer = setup
    appointment = _book(service, staff, customer, MONDAY_10)
    done = appointment_transition(
        appointment=appointment,
        to_status=AppointmentStatus.COMPLETED,
        actor=ACTOR,
        now=NOW,
        studio_timezone="Europe/London",
    )
    assert done.status == AppointmentStatus.COMPLETED
    with pytest.raises(errors.InvalidTransitionError):
        appointment_transition(
            appointment=done,
            to_status=AppointmentStatus.CONFIRMED,
            actor=ACTOR,
            now=NOW,
            studio_timezone="Europe/London",
        )
    assert Appointment.objects.get(pk=done.pk).status == AppointmentStatus.COMPLETED


def test_reschedule_moves_and_logs_before_and_after(setup):
    staff, service, customer = setup
    appointment = _book(service, staff, customer, MONDAY_10)
    moved = appointment_reschedule(
        appointment=appointment,
        start=MONDAY_10 + timedelta(hours=2),
        staff=None,
        actor=ACTOR,
        now=NOW,
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )
    assert moved.start == MONDAY_10 + timedelta(hours=2)
    log = AppointmentActivity.objects.filter(appointment=moved, action="rescheduled").get()
    assert log.before["start"] == MONDAY_10.isoformat()
    assert log.after["start"] == (MONDAY_10 + timedelta(hours=2)).isoformat()
