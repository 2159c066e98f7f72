"""Enrollments: seats, the waitlist, credits, cancellation windows, attendance, walk-ins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.classes import errors
from tenant_apps.classes.models import (
    ClassSession,
    ClassSettings,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tenant_apps.classes.selectors import (
    enrollment_cancel_terms,
    session_roster,
    waitlist_position,
)
from tenant_apps.classes.services import (
    enrollment_book,
    enrollment_cancel,
    enrollment_check_in,
    enrollment_mark_no_show,
    walk_in_add,
)
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.packages.errors import InsufficientCreditsError
from tenant_apps.packages.models import CreditEntry, CreditEntryKind
from tenant_apps.scheduling.services import Actor, CustomerDetails
from tests.factories.catalog import CustomerFactory
from tests.factories.classes import class_type_make, session_make
from tests.factories.packages import package_give, product_covering

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
START = datetime(2026, 11, 5, 18, tzinfo=UTC)
ACTOR = Actor(label="Desk")


@pytest.fixture
def session(in_alpha):
    return session_make(class_type=class_type_make(capacity=3), start=START)


def _book(session, customer=None, *, now=NOW, **kw):
    values = {"payment": EnrollmentPayment.AT_STUDIO, "source": EnrollmentSource.OWNER_APP}
    values.update(kw)
    return enrollment_book(
        session=session, customer=customer or CustomerFactory(), actor=ACTOR, now=now, **values
    )


def _taken(session):
    return ClassSession.objects.get(pk=session.pk).taken


def test_booking_takes_seats_and_queues_the_confirmation(session):
    customer = CustomerFactory()
    enrollment = _book(session, customer, spots=2, customer_note="Knee injury")
    assert (enrollment.status, enrollment.spots, enrollment.price, enrollment.currency) == (
        EnrollmentStatus.BOOKED,
        2,
        Decimal("30.00"),
        "GBP",
    )
    assert enrollment.waitlisted_at is None
    assert len(enrollment.reference) == 8
    assert _taken(session) == 2
    (mail,) = Notification.objects.all()
    assert (mail.kind, mail.recipient_email) == (NotificationKind.CLASS_BOOKED, customer.email)
    assert mail.subject == "Class booked: Mat Pilates on Thu 5 Nov, 18:00"
    assert mail.context["spots"] == 2
    assert mail.context["reference"] == enrollment.reference
    assert mail.context["portal_path"] == "/portal/classes/"


def test_a_new_customer_is_created_from_their_details(session):
    details = CustomerDetails(full_name="Ada Lovelace", email="ada@example.test", phone="")
    enrollment = _book(session, details)
    assert Customer.objects.get(email="ada@example.test").pk == enrollment.customer_id


def test_a_full_class_puts_people_on_the_waitlist_in_order(session):
    _book(session, spots=3)
    first = _book(session)
    second = _book(session, now=NOW - timedelta(minutes=5))  # a caller with a slow clock
    assert (first.status, second.status) == (EnrollmentStatus.WAITLISTED,) * 2
    assert first.waitlisted_at == NOW
    assert second.waitlisted_at == NOW + timedelta(microseconds=1)
    assert (waitlist_position(first), waitlist_position(second)) == (1, 2)
    assert _taken(session) == 3
    mail = Notification.objects.get(
        kind=NotificationKind.CLASS_WAITLISTED, context__reference=second.reference
    )
    assert mail.context["waitlist_position"] == 2
    assert mail.subject == "On the waitlist (no. 2): Mat Pilates on Thu 5 Nov, 18:00"
    roster = session_roster(session=session)
    assert [(r.enrollment.status, r.waitlist_position) for r in roster] == [
        (EnrollmentStatus.BOOKED, None),
        (EnrollmentStatus.WAITLISTED, 1),
        (EnrollmentStatus.WAITLISTED, 2),
    ]


def test_full_without_the_waitlist_is_a_conflict_and_writes_nothing(session):
    _book(session, spots=2)
    before = Notification.objects.count()
    with pytest.raises(errors.ClassFullError) as full:
        _book(session, spots=2, join_waitlist=False)
    assert full.value.detail == "Only 1 spot(s) are left."
    assert Enrollment.objects.count() == 1
    assert _taken(session) == 2
    assert Notification.objects.count() == before


def test_one_active_enrollment_per_customer(session):
    customer = CustomerFactory()
    _book(session, customer)
    with pytest.raises(errors.AlreadyEnrolledError):
        _book(session, customer)
    assert _taken(session) == 1
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"spots": 0}, "spots"),
        ({"spots": 4}, "spots"),
        ({"payment": "online"}, "payment"),
        ({"payment": "bitcoin"}, "payment"),
    ],
)
def test_bad_spots_or_payment_are_field_errors(session, kw, field):
    with pytest.raises(ValidationFailedError) as refused:
        _book(session, **kw)
    assert list(refused.value.errors) == [field]
    assert Enrollment.objects.count() == 0


def test_started_and_cancelled_sessions_are_not_bookable(session):
    with pytest.raises(errors.SessionNotBookableError):
        _book(session, now=START)
    ClassSession.objects.filter(pk=session.pk).update(status="cancelled")
    session.refresh_from_db()
    with pytest.raises(errors.SessionNotBookableError):
        _book(session)
    assert Enrollment.objects.count() == 0


def _credits(session, customer, credits=5):
    product = product_covering(class_types=[session.class_type], credits=credits)
    return package_give(customer=customer, product=product, purchased_at=NOW - timedelta(days=1))


def test_paying_with_credits_uses_them_and_too_few_credits_take_no_seat(session):
    customer = CustomerFactory()
    package = _credits(session, customer, credits=2)
    _book(session, customer, payment=EnrollmentPayment.CREDITS, spots=2)
    package.refresh_from_db()
    assert package.balance == 0
    assert _taken(session) == 2
    poor = CustomerFactory()
    other_class = product_covering(class_types=[class_type_make("Yoga")], credits=5)
    package_give(customer=poor, product=other_class, purchased_at=NOW)
    with pytest.raises(InsufficientCreditsError):
        _book(session, poor, payment=EnrollmentPayment.CREDITS)
    assert _taken(session) == 2
    assert Enrollment.objects.filter(customer=poor).count() == 0
    assert not Notification.objects.filter(recipient_email=poor.email).exists()


def test_the_waitlist_with_credits_needs_a_package_that_could_pay(session):
    # Credits for a place on the waitlist are taken at promotion; a customer who couldn't pay
    # today is told now, not billed at the desk later.
    _book(session, spots=3)
    holder = CustomerFactory()
    package = _credits(session, holder, credits=1)
    broke = CustomerFactory()

    waiting = _book(session, holder, payment=EnrollmentPayment.CREDITS)
    with pytest.raises(InsufficientCreditsError):
        _book(session, broke, payment=EnrollmentPayment.CREDITS)
    at_desk = _book(session, broke, payment=EnrollmentPayment.AT_STUDIO)

    assert (waiting.status, at_desk.status) == (EnrollmentStatus.WAITLISTED,) * 2
    package.refresh_from_db()
    assert package.balance == 1  # nothing taken while waiting
    assert Enrollment.objects.filter(customer=broke).count() == 1
    assert _taken(session) == 3


def _set(**fields):
    ClassSettings.objects.update_or_create(pk=1, defaults=fields)


def test_cancel_outside_the_late_window_refunds_the_credit(session):
    customer = CustomerFactory()
    package = _credits(session, customer)
    enrollment = _book(session, customer, payment=EnrollmentPayment.CREDITS)
    terms = enrollment_cancel_terms(enrollment=enrollment, now=NOW)
    assert (terms.allowed, terms.late, terms.credits_back, terms.credits_forfeited) == (
        True,
        False,
        1,
        0,
    )
    cancelled = enrollment_cancel(enrollment=enrollment, actor=ACTOR, now=NOW, reason="Busy")
    assert (cancelled.status, cancelled.late_cancel, cancelled.cancel_reason) == (
        EnrollmentStatus.CANCELLED,
        False,
        "Busy",
    )
    package.refresh_from_db()
    assert package.balance == 5
    assert _taken(session) == 0
    mail = Notification.objects.get(kind=NotificationKind.CLASS_ENROLLMENT_CANCELLED)
    assert (mail.context["credits_refunded"], mail.context["late_cancel"]) == (1, False)


def test_late_cancel_forfeits_the_credit_by_default(session):
    customer = CustomerFactory()
    package = _credits(session, customer)
    enrollment = _book(session, customer, payment=EnrollmentPayment.CREDITS)
    late = START - timedelta(hours=11)  # default window: 12 hours
    assert enrollment_cancel_terms(enrollment=enrollment, now=late).credits_forfeited == 1
    cancelled = enrollment_cancel(enrollment=enrollment, actor=ACTOR, now=late)
    assert cancelled.late_cancel is True
    package.refresh_from_db()
    assert package.balance == 4
    assert not CreditEntry.objects.filter(kind=CreditEntryKind.REFUND).exists()
    mail = Notification.objects.get(kind=NotificationKind.CLASS_ENROLLMENT_CANCELLED)
    assert (mail.context["credits_forfeited"], mail.context["credits_refunded"]) == (1, 0)


def test_late_cancel_refunds_when_the_studio_says_so(session):
    _set(late_cancel_forfeits_credit=False)
    customer = CustomerFactory()
    package = _credits(session, customer)
    enrollment = _book(session, customer, payment=EnrollmentPayment.CREDITS)
    cancelled = enrollment_cancel(
        enrollment=enrollment, actor=ACTOR, now=START - timedelta(hours=1)
    )
    assert cancelled.late_cancel is True
    package.refresh_from_db()
    assert package.balance == 5


def test_cancel_refused_after_the_start_and_twice(session):
    enrollment = _book(session)
    with pytest.raises(errors.EnrollmentTransitionError):
        enrollment_cancel(enrollment=enrollment, actor=ACTOR, now=START)
    enrollment_cancel(enrollment=enrollment, actor=ACTOR, now=NOW)
    with pytest.raises(errors.EnrollmentTransitionError):
        enrollment_cancel(enrollment=enrollment, actor=ACTOR, now=NOW)
    assert _taken(session) == 0


def test_cancelling_a_place_on_the_waitlist_frees_no_seat(session):
    _book(session, spots=3)
    waiting = _book(session)
    enrollment_cancel(enrollment=waiting, actor=ACTOR, now=NOW)
    assert _taken(session) == 3
    assert Enrollment.objects.get(pk=waiting.pk).status == EnrollmentStatus.CANCELLED


def test_attendance_opens_thirty_minutes_before_the_start(session):
    enrollment = _book(session)
    with pytest.raises(errors.AttendanceTooEarlyError):
        enrollment_check_in(enrollment=enrollment, actor=ACTOR, now=START - timedelta(minutes=31))
    attended = enrollment_check_in(
        enrollment=enrollment, actor=ACTOR, now=START - timedelta(minutes=30)
    )
    assert (attended.status, attended.checked_in_at) == (
        EnrollmentStatus.ATTENDED,
        START - timedelta(minutes=30),
    )
    with pytest.raises(errors.EnrollmentTransitionError):
        enrollment_mark_no_show(enrollment=enrollment, actor=ACTOR, now=START)
    other = _book(session)
    absent = enrollment_mark_no_show(enrollment=other, actor=ACTOR, now=START + timedelta(hours=1))
    assert absent.status == EnrollmentStatus.NO_SHOW
    # A no-show who turns up late is checked in after all; seats never move.
    assert enrollment_check_in(enrollment=other, actor=ACTOR, now=START).status == "attended"
    assert _taken(session) == 2


def test_walk_ins_take_a_seat_and_are_checked_in(session):
    _book(session, spots=2)
    walk_in = walk_in_add(
        session=session,
        customer=CustomerDetails(full_name="Walk In", email="walk@example.test"),
        payment=EnrollmentPayment.AT_STUDIO,
        actor=ACTOR,
        now=START + timedelta(minutes=5),
    )
    assert (walk_in.status, walk_in.source, walk_in.checked_in_at) == (
        EnrollmentStatus.ATTENDED,
        EnrollmentSource.WALK_IN,
        START + timedelta(minutes=5),
    )
    assert _taken(session) == 3
    with pytest.raises(errors.ClassFullError):
        walk_in_add(
            session=session,
            customer=CustomerFactory(),
            payment=EnrollmentPayment.AT_STUDIO,
            actor=ACTOR,
            now=START,
        )
    with pytest.raises(errors.AttendanceTooEarlyError):
        walk_in_add(
            session=session,
            customer=CustomerFactory(),
            payment=EnrollmentPayment.AT_STUDIO,
            actor=ACTOR,
            now=NOW,
        )
    assert Enrollment.objects.count() == 2
