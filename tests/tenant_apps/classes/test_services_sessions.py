"""Scheduling class sessions: one-off, weekly series across DST, edits, cancellation,
the instructor's other commitments and the studio's rooms and equipment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.classes import errors
from tenant_apps.classes.models import (
    ClassSeries,
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.classes.services import (
    class_series_create,
    class_session_cancel,
    class_session_create,
    class_session_update,
    enrollment_book,
)
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.packages.models import CreditEntry, CreditEntryKind
from tenant_apps.resources.errors import ResourceUnavailableError
from tenant_apps.resources.models import Reservation, ResourceKind, ServiceResourceNeed
from tenant_apps.scheduling import errors as scheduling_errors
from tenant_apps.scheduling.models import AppointmentSource
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.classes import class_type_make
from tests.factories.packages import package_give, product_covering
from tests.factories.resources import ResourceFactory

LONDON = ZoneInfo("Europe/London")
TZ = "Europe/London"
NOW = datetime(2026, 10, 1, 8, tzinfo=UTC)
MONDAY_18 = datetime(2026, 10, 19, 18, tzinfo=LONDON)  # BST; clocks go back on 25 October
ACTOR = Actor(label="Test")


def _create(class_type, start=MONDAY_18, **kw):
    return class_session_create(
        class_type=class_type, start=start, actor=ACTOR, now=NOW, studio_timezone=TZ, **kw
    )


def test_one_off_copies_the_type_and_its_default_instructor(in_alpha):
    class_type = class_type_make(capacity=10, price=Decimal("18.50"), credits=2)
    session = _create(class_type)
    assert (session.start, session.end) == (MONDAY_18, MONDAY_18 + timedelta(minutes=60))
    assert session.instructor == class_type.default_instructor
    assert (session.capacity, session.price, session.credits, session.taken) == (
        10,
        Decimal("18.50"),
        2,
        0,
    )
    assert session.currency == "GBP"
    assert session.series_id is None
    override = _create(class_type, start=MONDAY_18 + timedelta(days=1), capacity=4, credits=0)
    assert (override.capacity, override.credits) == (4, 0)


def test_one_off_needs_an_instructor_and_a_future_start(in_alpha):
    class_type = class_type_make(default_instructor=None)
    with pytest.raises(ValidationFailedError) as no_teacher:
        _create(class_type)
    assert list(no_teacher.value.errors) == ["instructor"]
    with pytest.raises(ValidationFailedError) as past:
        _create(class_type, start=NOW - timedelta(hours=1), instructor=StaffMemberFactory())
    assert list(past.value.errors) == ["start"]
    assert ClassSession.objects.count() == 0


def test_weekly_series_keeps_the_local_time_across_the_dst_change(in_alpha):
    class_type = class_type_make()
    series, sessions = class_series_create(
        class_type=class_type,
        first_start=MONDAY_18,
        count=3,
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
    )
    local_times = [s.start.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z") for s in sessions]
    assert local_times == [
        "2026-10-19 18:00 BST",
        "2026-10-26 18:00 GMT",
        "2026-11-02 18:00 GMT",
    ]
    assert [s.start.astimezone(UTC).hour for s in sessions] == [17, 18, 18]
    assert {s.series_id for s in sessions} == {series.pk}
    assert (series.count, series.repeat_until) == (3, None)


def test_weekly_series_until_a_date_includes_that_date(in_alpha):
    class_type = class_type_make()
    _, sessions = class_series_create(
        class_type=class_type,
        first_start=MONDAY_18,
        repeat_until=date(2026, 11, 9),
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
    )
    assert [s.start.astimezone(LONDON).date().isoformat() for s in sessions] == [
        "2026-10-19",
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
    ]


@pytest.mark.parametrize(
    ("until", "count", "field"),
    [
        (None, None, "repeat_until"),
        (date(2026, 12, 1), 3, "repeat_until"),
        (None, 105, "count"),
        (None, 0, "count"),
        (date(2026, 10, 18), None, "repeat_until"),  # before the first session
        (date(2029, 1, 1), None, "repeat_until"),  # more than 104 weeks
    ],
)
def test_weekly_series_refuses_bad_ends(in_alpha, until, count, field):
    class_type = class_type_make()
    with pytest.raises(ValidationFailedError) as refused:
        class_series_create(
            class_type=class_type,
            first_start=MONDAY_18,
            repeat_until=until,
            count=count,
            actor=ACTOR,
            now=NOW,
            studio_timezone=TZ,
        )
    assert list(refused.value.errors) == [field]
    assert ClassSeries.objects.count() == 0
    assert ClassSession.objects.count() == 0


def test_instructor_busy_with_another_class_refuses_the_whole_series(in_alpha):
    class_type = class_type_make()
    teacher = class_type.default_instructor
    _create(class_type, start=MONDAY_18 + timedelta(weeks=2, minutes=30))
    with pytest.raises(errors.InstructorBusyError) as busy:
        class_series_create(
            class_type=class_type,
            first_start=MONDAY_18,
            count=4,
            actor=ACTOR,
            now=NOW,
            studio_timezone=TZ,
        )
    assert busy.value.code == "instructor_busy"
    assert (
        busy.value.detail == f"{teacher.display_name} has another class at Mon 02 Nov 2026 18:00."
    )
    assert ClassSession.objects.count() == 1
    assert ClassSeries.objects.count() == 0


def test_instructor_busy_with_an_appointment(in_alpha):
    class_type = class_type_make()
    teacher = class_type.default_instructor
    weekly_hours_set(teacher, start=8 * 60, end=21 * 60)
    service = ServiceFactory(performers=[teacher])
    appointment_create(
        service=service,
        staff=teacher,
        customer=CustomerFactory(),
        start=MONDAY_18 + timedelta(minutes=30),
        source=AppointmentSource.OWNER_APP,
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
        checks=OWNER_CHECKS,
    )
    with pytest.raises(errors.InstructorBusyError):
        _create(class_type)
    # Somebody else may teach it.
    assert _create(class_type, instructor=StaffMemberFactory()).taken == 0


def _series(class_type, count=4):
    _, sessions = class_series_create(
        class_type=class_type,
        first_start=MONDAY_18,
        count=count,
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
    )
    return sessions


def _local(sessions):
    return [
        s.start.astimezone(LONDON).strftime("%m-%d %H:%M")
        for s in ClassSession.objects.filter(pk__in=[x.pk for x in sessions]).order_by("pk")
    ]


def test_update_this_and_following_moves_the_later_sessions_by_the_same_wall_clock_change(
    in_alpha,
):
    class_type = class_type_make()
    sessions = _series(class_type)
    # The second session (26 Oct, GMT) moves to Tuesday 19:30: so do the third and fourth.
    changed = class_session_update(
        session=sessions[1],
        scope="following",
        start=datetime(2026, 10, 27, 19, 30, tzinfo=LONDON),
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
    )
    assert [s.pk for s in changed] == [s.pk for s in sessions[1:]]
    assert _local(sessions) == ["10-19 18:00", "10-27 19:30", "11-03 19:30", "11-10 19:30"]
    assert all(s.end - s.start == timedelta(hours=1) for s in ClassSession.objects.all())


def test_update_this_changes_one_session_only(in_alpha):
    class_type = class_type_make()
    sessions = _series(class_type)
    other = StaffMemberFactory()
    class_session_update(
        session=sessions[2],
        scope="this",
        start=datetime(2026, 11, 2, 9, tzinfo=LONDON),
        instructor=other,
        capacity=8,
        notes="Bring a towel",
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
    )
    assert _local(sessions) == ["10-19 18:00", "10-26 18:00", "11-02 09:00", "11-09 18:00"]
    moved = ClassSession.objects.get(pk=sessions[2].pk)
    assert (moved.instructor_id, moved.capacity, moved.notes) == (other.pk, 8, "Bring a towel")
    assert set(ClassSession.objects.exclude(pk=moved.pk).values_list("capacity", "notes")) == {
        (12, "")
    }


def test_update_following_with_a_clash_changes_nothing(in_alpha):
    class_type = class_type_make()
    sessions = _series(class_type)
    # The instructor teaches something else on 10 Nov at 19:30.
    other_type = class_type_make("Yoga", default_instructor=class_type.default_instructor)
    _create(other_type, start=datetime(2026, 11, 10, 19, 30, tzinfo=LONDON))
    with pytest.raises(errors.InstructorBusyError):
        class_session_update(
            session=sessions[1],
            scope="following",
            start=datetime(2026, 10, 27, 19, 30, tzinfo=LONDON),
            actor=ACTOR,
            now=NOW,
            studio_timezone=TZ,
        )
    assert _local(sessions) == ["10-19 18:00", "10-26 18:00", "11-02 18:00", "11-09 18:00"]


def test_capacity_never_below_the_seats_taken(in_alpha):
    class_type = class_type_make(capacity=3)
    session = _create(class_type)
    for _ in range(2):
        enrollment_book(
            session=session,
            customer=CustomerFactory(),
            payment=EnrollmentPayment.AT_STUDIO,
            source=EnrollmentSource.OWNER_APP,
            actor=ACTOR,
            now=NOW,
        )
    with pytest.raises(ValidationFailedError) as refused:
        class_session_update(
            session=session, scope="this", capacity=1, actor=ACTOR, now=NOW, studio_timezone=TZ
        )
    assert refused.value.errors == {"capacity": ["Mon 19 Oct 2026 18:00 has 2 seats taken."]}
    assert ClassSession.objects.get(pk=session.pk).capacity == 3


def test_raising_capacity_enrolls_the_waitlist(in_alpha):
    class_type = class_type_make(capacity=1)
    session = _create(class_type)
    _booked, waiting = (
        enrollment_book(
            session=session,
            customer=CustomerFactory(),
            payment=EnrollmentPayment.AT_STUDIO,
            source=EnrollmentSource.OWNER_APP,
            actor=ACTOR,
            now=NOW,
        )
        for _ in range(2)
    )
    assert waiting.status == EnrollmentStatus.WAITLISTED
    class_session_update(
        session=session, scope="this", capacity=2, actor=ACTOR, now=NOW, studio_timezone=TZ
    )
    assert Enrollment.objects.get(pk=waiting.pk).status == EnrollmentStatus.BOOKED
    assert ClassSession.objects.get(pk=session.pk).taken == 2


def test_cancel_session_returns_credits_and_emails_each_customer_once(in_alpha):
    class_type = class_type_make(credits=2)
    session = _create(class_type, capacity=2)
    product = product_covering(class_types=[class_type], credits=10)
    paying = CustomerFactory()
    package = package_give(customer=paying, product=product, purchased_at=NOW)
    at_studio = CustomerFactory()
    waiting = CustomerFactory()
    for customer, payment in (
        (paying, EnrollmentPayment.CREDITS),
        (at_studio, EnrollmentPayment.AT_STUDIO),
        (waiting, EnrollmentPayment.AT_STUDIO),
    ):
        enrollment_book(
            session=session,
            customer=customer,
            payment=payment,
            source=EnrollmentSource.OWNER_APP,
            actor=ACTOR,
            now=NOW,
        )
    package.refresh_from_db()
    assert package.balance == 8
    # The late-cancel window has long begun: the studio cancelling still returns credits.
    late = MONDAY_18 - timedelta(hours=1)
    Notification.objects.all().delete()
    cancelled = class_session_cancel(
        session=session, reason="Instructor ill", actor=ACTOR, now=late
    )
    assert (cancelled.status, cancelled.taken, cancelled.cancel_reason) == (
        SessionStatus.CANCELLED,
        0,
        "Instructor ill",
    )
    assert set(Enrollment.objects.values_list("status", flat=True)) == {EnrollmentStatus.CANCELLED}
    package.refresh_from_db()
    assert package.balance == 10
    assert list(
        CreditEntry.objects.filter(kind=CreditEntryKind.REFUND).values_list("amount", flat=True)
    ) == [2]
    mails = Notification.objects.order_by("recipient_email")
    assert sorted((n.kind, n.recipient_email) for n in mails) == sorted(
        (NotificationKind.CLASS_SESSION_CANCELLED, c.email) for c in (paying, at_studio, waiting)
    )
    assert {n.context["reason"] for n in mails} == {"Instructor ill"}
    with pytest.raises(errors.SessionCancelledError):
        class_session_cancel(session=session, reason="again", actor=ACTOR, now=late)
    with pytest.raises(errors.SessionNotBookableError):
        enrollment_book(
            session=session,
            customer=CustomerFactory(),
            payment=EnrollmentPayment.AT_STUDIO,
            source=EnrollmentSource.OWNER_APP,
            actor=ACTOR,
            now=NOW,
        )


def test_cancel_session_needs_a_reason(in_alpha):
    session = _create(class_type_make())
    with pytest.raises(ValidationFailedError) as refused:
        class_session_cancel(session=session, reason="  ", actor=ACTOR, now=NOW)
    assert list(refused.value.errors) == ["reason"]
    assert ClassSession.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED


@pytest.fixture
def reformers(in_alpha):
    room = ResourceFactory(name="Reformer studio", kind=ResourceKind.ROOM, quantity=1)
    machines = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    return room, machines


def test_a_reformer_class_holds_its_room_and_a_reformer_per_seat(reformers):
    room, machines = reformers
    class_type = class_type_make(
        "Reformer Flow", room=room, equipment=machines, equipment_per_attendee=1
    )
    session = _create(class_type)
    held = Reservation.objects.filter(class_session=session, is_active=True)
    assert sorted((r.resource_id, r.unit) for r in held) == [(room.pk, 1)] + [
        (machines.pk, unit) for unit in range(1, 13)
    ]
    assert {(r.start, r.end) for r in held} == {(session.start, session.end)}
    # The room is taken: another class in it at the same time is refused.
    with pytest.raises(ResourceUnavailableError) as refused:
        _create(class_type_make("Mat", room=room), instructor=StaffMemberFactory())
    assert refused.value.code == "resource_unavailable"
    # A smaller class holds fewer reformers; cancelling releases them all.
    class_session_update(
        session=session, scope="this", capacity=8, actor=ACTOR, now=NOW, studio_timezone=TZ
    )
    assert Reservation.objects.filter(class_session=session, is_active=True).count() == 9
    class_session_cancel(session=session, reason="Closed", actor=ACTOR, now=NOW)
    assert Reservation.objects.filter(class_session=session, is_active=True).count() == 0


def test_a_private_session_cannot_take_a_reformer_a_full_class_holds(reformers):
    room, machines = reformers
    class_type = class_type_make(
        "Reformer Flow", room=room, equipment=machines, equipment_per_attendee=1
    )
    _create(class_type)
    trainer = StaffMemberFactory()
    weekly_hours_set(trainer, start=8 * 60, end=21 * 60)
    private = ServiceFactory(performers=[trainer])
    ServiceResourceNeed.objects.create(service=private, resource=machines, quantity=1)
    with pytest.raises(scheduling_errors.SlotUnavailableError) as refused:
        appointment_create(
            service=private,
            staff=trainer,
            customer=CustomerFactory(),
            start=MONDAY_18,
            source=AppointmentSource.OWNER_APP,
            actor=ACTOR,
            now=NOW,
            studio_timezone=TZ,
            checks=OWNER_CHECKS,
        )
    assert refused.value.code == "resource_unavailable"
    # An hour later the reformers are free again.
    appointment = appointment_create(
        service=private,
        staff=trainer,
        customer=CustomerFactory(),
        start=MONDAY_18 + timedelta(hours=1),
        source=AppointmentSource.OWNER_APP,
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
        checks=OWNER_CHECKS,
    )
    assert Reservation.objects.filter(appointment=appointment, is_active=True).count() == 1


def test_a_reformer_class_cannot_be_scheduled_over_a_private_session(reformers):
    room, machines = reformers
    trainer = StaffMemberFactory()
    weekly_hours_set(trainer, start=8 * 60, end=21 * 60)
    private = ServiceFactory(performers=[trainer])
    ServiceResourceNeed.objects.create(service=private, resource=machines, quantity=1)
    appointment_create(
        service=private,
        staff=trainer,
        customer=CustomerFactory(),
        start=MONDAY_18,
        source=AppointmentSource.OWNER_APP,
        actor=ACTOR,
        now=NOW,
        studio_timezone=TZ,
        checks=OWNER_CHECKS,
    )
    class_type = class_type_make(
        "Reformer Flow", room=room, equipment=machines, equipment_per_attendee=1
    )
    with pytest.raises(ResourceUnavailableError) as refused:
        _create(class_type)
    assert refused.value.detail == "Only 11 of 12 Reformers are free at this time; this needs 12."
    assert ClassSession.objects.count() == 0
    # Eleven seats fit beside the private session.
    assert _create(class_type, capacity=11).capacity == 11
