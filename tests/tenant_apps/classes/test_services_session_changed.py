"""Moving a class, or giving it another instructor, emails everyone booked, offered a spot or
waiting for it, once per session: old and new time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.html import strip_tags

from tenant_apps.classes.models import (
    ClassSession,
    ClassSettings,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    WaitlistMode,
)
from tenant_apps.classes.services import (
    class_series_create,
    class_session_update,
    enrollment_book,
    enrollment_cancel,
)
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.notifications.rendering import email_build
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
START = datetime(2026, 11, 5, 18, tzinfo=UTC)  # Thursday, GMT in London
LATER = datetime(2026, 11, 6, 19, 30, tzinfo=UTC)
ACTOR = Actor(label="Desk")
TZ = "Europe/London"
CHANGED = NotificationKind.CLASS_SESSION_CHANGED


def _book(session, customer):
    return enrollment_book(
        session=session,
        customer=customer,
        payment=EnrollmentPayment.AT_STUDIO,
        source=EnrollmentSource.OWNER_APP,
        actor=ACTOR,
        now=NOW,
    )


def _update(session, scope="this", **changes):
    return class_session_update(
        session=session, scope=scope, actor=ACTOR, now=NOW, studio_timezone=TZ, **changes
    )


def _key(enrollment, session):
    """The dedupe key of the change email for `enrollment` after `session`'s last edit."""
    session.refresh_from_db()
    start = session.start.astimezone(UTC).isoformat().replace("+00:00", "Z")
    revision = session.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return (
        f"class:class_session_changed:{enrollment.pk}:session-{session.pk}:{start}"
        f":staff-{session.instructor_id}:rev-{revision}"
    )


def _rows():
    return list(
        Notification.objects.filter(kind=CHANGED)
        .order_by("pk")
        .values_list("recipient_email", "subject", "dedupe_key")
    )


def test_moving_this_session_emails_the_booked_the_offered_and_the_waitlisted(in_alpha):
    ClassSettings.objects.update_or_create(pk=1, defaults={"waitlist_mode": WaitlistMode.OFFER})
    session = session_make(class_type=class_type_make("Reformer Flow", capacity=2), start=START)
    gone, booked, offered, waiting = (CustomerFactory() for _ in range(4))
    cancelled = _book(session, gone)
    kept = _book(session, booked)
    first_in_line = _book(session, offered)
    second_in_line = _book(session, waiting)
    enrollment_cancel(enrollment=cancelled, actor=ACTOR, now=NOW)
    statuses = dict(Enrollment.objects.filter(session=session).values_list("customer_id", "status"))
    assert statuses == {
        gone.pk: EnrollmentStatus.CANCELLED,
        booked.pk: EnrollmentStatus.BOOKED,
        offered.pk: EnrollmentStatus.OFFERED,
        waiting.pk: EnrollmentStatus.WAITLISTED,
    }
    before = Notification.objects.count()

    _update(session, start=LATER)

    subject = "Class changed: Reformer Flow now on Fri 6 Nov, 19:30"
    assert _rows() == [
        (booked.email, subject, _key(kept, session)),
        (offered.email, subject, _key(first_in_line, session)),
        (waiting.email, subject, _key(second_in_line, session)),
    ]
    assert Notification.objects.count() == before + 3
    facts = Notification.objects.get(recipient_email=waiting.email, kind=CHANGED).context
    assert {k: facts[k] for k in facts if k not in {"reference", "customer_name"}} == {
        "class_name": "Reformer Flow",
        "service": "Reformer Flow",
        "start": "2026-11-06T19:30:00+00:00",
        "end": "2026-11-06T20:30:00+00:00",
        "previous_start": "2026-11-05T18:00:00+00:00",
        "previous_end": "2026-11-05T19:00:00+00:00",
        "instructor": session.instructor.display_name,
        "staff": session.instructor.display_name,
        "previous_instructor": session.instructor.display_name,
        "time_changed": True,
        "instructor_changed": False,
        "spots": 1,
        "status": "waitlisted",
        "waitlist_position": 1,
        "payment": "at_studio",
        "price": "15.00",
        "currency": "GBP",
        "credits": 1,
        "portal_path": "/portal/classes/",
        "schedule_path": "/classes/",
    }
    assert (facts["reference"], facts["customer_name"]) == (
        second_in_line.reference,
        waiting.full_name,
    )


def test_moving_this_and_following_emails_each_customer_once_per_session(in_alpha):
    class_type = class_type_make("Mat Pilates")
    _, sessions = class_series_create(
        class_type=class_type, first_start=START, count=3, actor=ACTOR, now=NOW, studio_timezone=TZ
    )
    regular, once = CustomerFactory(), CustomerFactory()
    regular_in = [_book(s, regular) for s in sessions]
    once_in = _book(sessions[1], once)

    changed = _update(sessions[1], scope="following", start=sessions[1].start + timedelta(hours=1))

    assert [s.pk for s in changed] == [sessions[1].pk, sessions[2].pk]
    assert _rows() == [
        (
            regular.email,
            "Class changed: Mat Pilates now on Thu 12 Nov, 19:00",
            _key(regular_in[1], sessions[1]),
        ),
        (
            once.email,
            "Class changed: Mat Pilates now on Thu 12 Nov, 19:00",
            _key(once_in, sessions[1]),
        ),
        (
            regular.email,
            "Class changed: Mat Pilates now on Thu 19 Nov, 19:00",
            _key(regular_in[2], sessions[2]),
        ),
    ]
    previous = sorted(
        Notification.objects.filter(kind=CHANGED).values_list("context__previous_start", flat=True)
    )
    assert previous == [
        "2026-11-12T18:00:00+00:00",
        "2026-11-12T18:00:00+00:00",
        "2026-11-19T18:00:00+00:00",
    ]


def test_a_new_instructor_alone_is_news_too(in_alpha):
    session = session_make(class_type=class_type_make("Yoga"), start=START)
    old_teacher = session.instructor
    enrollment = _book(session, customer := CustomerFactory())
    new_teacher = StaffMemberFactory()

    _update(session, instructor=new_teacher)

    assert _rows() == [
        (customer.email, "Class changed: Yoga now on Thu 5 Nov, 18:00", _key(enrollment, session))
    ]
    facts = Notification.objects.get(kind=CHANGED).context
    assert (
        facts["time_changed"],
        facts["instructor_changed"],
        facts["instructor"],
        facts["previous_instructor"],
    ) == (False, True, new_teacher.display_name, old_teacher.display_name)


def test_notes_or_capacity_alone_email_nobody(in_alpha):
    session = session_make(class_type=class_type_make(capacity=3), start=START)
    _book(session, CustomerFactory())
    before = Notification.objects.count()

    _update(session, notes="Bring a towel", capacity=5)
    # Naming the same time and instructor is no change either.
    _update(session, start=START, instructor=session.instructor)

    assert ClassSession.objects.get(pk=session.pk).notes == "Bring a towel"
    assert Notification.objects.count() == before
    assert _rows() == []


def test_cancelled_enrollments_hear_nothing(in_alpha):
    session = session_make(class_type=class_type_make(), start=START)
    enrollment_cancel(enrollment=_book(session, CustomerFactory()), actor=ACTOR, now=NOW)

    _update(session, start=LATER)

    assert ClassSession.objects.get(pk=session.pk).start == LATER
    assert _rows() == []


def test_nothing_is_queued_while_notifications_are_muted(in_alpha):
    session = session_make(class_type=class_type_make(), start=START)
    _book(session, CustomerFactory())

    with notifications_muted():
        _update(session, start=LATER)

    assert ClassSession.objects.get(pk=session.pk).start == LATER
    assert _rows() == []


def test_moved_there_and_back_tells_the_customer_each_time(in_alpha):
    session = session_make(class_type=class_type_make(), start=START)
    enrollment = _book(session, customer := CustomerFactory())

    for start in (LATER, START, LATER):
        (session,) = _update(session, start=start)

    assert [
        (email, start)
        for email, start in Notification.objects.filter(kind=CHANGED)
        .order_by("pk")
        .values_list("recipient_email", "context__start")
    ] == [
        (customer.email, "2026-11-06T19:30:00+00:00"),
        (customer.email, "2026-11-05T18:00:00+00:00"),
        (customer.email, "2026-11-06T19:30:00+00:00"),
    ]
    assert _rows()[-1][2] == _key(enrollment, session)


@pytest.mark.parametrize("new_teacher", [False, True])
def test_the_email_says_the_old_and_the_new_time(in_alpha, new_teacher):
    session = session_make(class_type=class_type_make("Reformer Flow"), start=START)
    previous = session.instructor.display_name
    _book(session, CustomerFactory())
    teacher = StaffMemberFactory() if new_teacher else None

    _update(session, start=LATER, instructor=teacher)

    message = email_build(notification=Notification.objects.get(kind=CHANGED), studio=in_alpha)
    html_text = " ".join(strip_tags(message.alternatives[0][0]).split())
    for text in (message.body, html_text):
        assert "Was: Thursday 5 November 2026, 18:00 GMT" in text
        assert "Now: Friday 6 November 2026, 19:30 GMT" in text
        assert "has moved Reformer Flow" in text
        if teacher is not None:
            assert f"{teacher.display_name} teaches it now instead of {previous}." in text
        else:
            assert "teaches it now" not in text
    assert "http://alpha.localhost:8000/portal/classes/" in message.body
    assert "{{" not in message.body and "{%" not in message.alternatives[0][0]
