"""Waitlist promotion in both modes under a controlled clock: automatic enrollment, offers with
a claim window, the close window, overlapping waitlists, housekeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tenant_apps.classes import errors
from tenant_apps.classes.models import (
    ClassSession,
    ClassSettings,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    WaitlistMode,
)
from tenant_apps.classes.selectors import waitlist_position
from tenant_apps.classes.services import (
    enrollment_book,
    enrollment_cancel,
    enrollment_offer_claim,
    waitlist_housekeeping,
)
from tenant_apps.classes.tokens import offer_claim_token
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.packages.services import credits_adjust
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import CustomerFactory
from tests.factories.classes import class_type_make, session_make
from tests.factories.packages import package_give, product_covering

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
START = datetime(2026, 11, 5, 18, tzinfo=UTC)
ACTOR = Actor(label="Desk")


@pytest.fixture
def session(in_alpha):
    return session_make(class_type=class_type_make(capacity=1), start=START)


def _book(session, customer=None, *, now=NOW, **kw):
    values = {"payment": EnrollmentPayment.AT_STUDIO, "source": EnrollmentSource.PUBLIC_PAGE}
    values.update(kw)
    return enrollment_book(
        session=session, customer=customer or CustomerFactory(), actor=ACTOR, now=now, **values
    )


def _status(enrollment):
    return Enrollment.objects.get(pk=enrollment.pk).status


def _set(**fields):
    ClassSettings.objects.update_or_create(pk=1, defaults=fields)


def test_automatic_mode_enrolls_the_first_in_line_paying_with_credits(session):
    booked = _book(session)
    first_customer = CustomerFactory()
    product = product_covering(class_types=[session.class_type], credits=3)
    package = package_give(customer=first_customer, product=product, purchased_at=NOW)
    first = _book(session, first_customer)
    second = _book(session)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW + timedelta(hours=1))
    promoted = Enrollment.objects.get(pk=first.pk)
    assert (promoted.status, promoted.payment) == (EnrollmentStatus.BOOKED, "credits")
    package.refresh_from_db()
    assert package.balance == 2
    assert _status(second) == EnrollmentStatus.WAITLISTED
    assert waitlist_position(Enrollment.objects.get(pk=second.pk)) == 1
    assert ClassSession.objects.get(pk=session.pk).taken == 1
    mail = Notification.objects.get(kind=NotificationKind.CLASS_PROMOTED)
    assert mail.recipient_email == first_customer.email
    assert mail.subject == "You're in: Mat Pilates on Thu 5 Nov, 18:00"


def test_promotion_without_covering_credits_pays_at_the_studio(session):
    # The credits a customer had when they joined can be gone by the promotion.
    booked = _book(session)
    customer = CustomerFactory()
    product = product_covering(class_types=[session.class_type], credits=1)
    package = package_give(customer=customer, product=product, purchased_at=NOW - timedelta(1))
    first = _book(session, customer, payment=EnrollmentPayment.CREDITS)
    credits_adjust(package=package, amount=-1, reason="Used elsewhere", actor=ACTOR, now=NOW)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    promoted = Enrollment.objects.get(pk=first.pk)
    assert (promoted.status, promoted.payment) == (EnrollmentStatus.BOOKED, "at_studio")


def test_the_first_party_that_fits_is_promoted(session):
    ClassSession.objects.filter(pk=session.pk).update(capacity=2)
    session.refresh_from_db()
    booked = _book(session)
    _book(session)  # both seats gone
    pair = _book(session, spots=2)
    single = _book(session)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    assert _status(pair) == EnrollmentStatus.WAITLISTED
    assert _status(single) == EnrollmentStatus.BOOKED


def test_no_promotion_inside_the_close_window(session):
    _set(close_window_hours=2)
    booked = _book(session)
    waiting = _book(session)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=START - timedelta(minutes=119))
    assert _status(waiting) == EnrollmentStatus.WAITLISTED
    assert ClassSession.objects.get(pk=session.pk).taken == 0
    assert not Notification.objects.filter(kind=NotificationKind.CLASS_PROMOTED).exists()
    # The freed seat goes to whoever books it.
    late = _book(session, now=START - timedelta(minutes=100))
    assert late.status == EnrollmentStatus.BOOKED


def test_promotion_removes_the_customer_from_overlapping_waitlists(session):
    customer = CustomerFactory()
    overlapping = session_make(
        class_type=class_type_make("Yoga", capacity=1), start=START + timedelta(minutes=30)
    )
    later = session_make(
        class_type=class_type_make("Barre", capacity=1), start=START + timedelta(hours=2)
    )
    for other in (overlapping, later):
        _book(other)
    booked = _book(session)
    here = _book(session, customer)
    there = _book(overlapping, customer)
    afterwards = _book(later, customer)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    assert _status(here) == EnrollmentStatus.BOOKED
    left = Enrollment.objects.get(pk=there.pk)
    assert (left.status, left.cancel_reason) == (
        EnrollmentStatus.CANCELLED,
        "Enrolled in another class at the same time.",
    )
    assert _status(afterwards) == EnrollmentStatus.WAITLISTED


def _offer_mode():
    _set(waitlist_mode=WaitlistMode.OFFER, claim_window_minutes=60)


def test_offer_mode_holds_the_seat_and_emails_a_claim_link(session):
    _offer_mode()
    booked = _book(session)
    first = _book(session)
    _book(session)
    cancel_at = NOW + timedelta(hours=1)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=cancel_at)
    offered = Enrollment.objects.get(pk=first.pk)
    assert (offered.status, offered.offer_expires_at) == (
        EnrollmentStatus.OFFERED,
        cancel_at + timedelta(minutes=60),
    )
    assert ClassSession.objects.get(pk=session.pk).taken == 1
    mail = Notification.objects.get(kind=NotificationKind.CLASS_SPOT_OFFERED)
    token = offer_claim_token(offered)
    assert mail.context["claim_path"] == f"/classes/claim/{token}/"
    assert mail.context["claim_window_minutes"] == 60
    claimed = enrollment_offer_claim(token=token, now=cancel_at + timedelta(minutes=59))
    assert (claimed.status, claimed.payment) == (EnrollmentStatus.BOOKED, "at_studio")
    # A second click shows the same booking.
    assert enrollment_offer_claim(token=token, now=cancel_at + timedelta(minutes=70)).pk == first.pk
    assert ClassSession.objects.get(pk=session.pk).taken == 1


def test_an_expired_offer_goes_to_the_next_in_line(session):
    _offer_mode()
    booked = _book(session)
    first = _book(session)
    second = _book(session)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    token = offer_claim_token(Enrollment.objects.get(pk=first.pk))
    # Not yet due: nothing happens.
    assert waitlist_housekeeping(now=NOW + timedelta(minutes=59)) == {
        "offers_expired": 0,
        "promoted": 0,
    }
    assert waitlist_housekeeping(now=NOW + timedelta(minutes=61)) == {
        "offers_expired": 1,
        "promoted": 0,
    }
    assert _status(first) == EnrollmentStatus.OFFER_EXPIRED
    nxt = Enrollment.objects.get(pk=second.pk)
    assert (nxt.status, nxt.offer_expires_at) == (
        EnrollmentStatus.OFFERED,
        NOW + timedelta(minutes=121),
    )
    assert ClassSession.objects.get(pk=session.pk).taken == 1
    with pytest.raises(errors.OfferExpiredError):
        enrollment_offer_claim(token=token, now=NOW + timedelta(minutes=62))
    # Run again: idempotent.
    assert waitlist_housekeeping(now=NOW + timedelta(minutes=62)) == {
        "offers_expired": 0,
        "promoted": 0,
    }
    assert Notification.objects.filter(kind=NotificationKind.CLASS_SPOT_OFFERED).count() == 2


def test_an_unclaimed_offer_past_its_time_cannot_be_claimed_before_housekeeping(session):
    _offer_mode()
    booked = _book(session)
    first = _book(session)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    token = offer_claim_token(Enrollment.objects.get(pk=first.pk))
    with pytest.raises(errors.OfferExpiredError):
        enrollment_offer_claim(token=token, now=NOW + timedelta(minutes=60))
    assert _status(first) == EnrollmentStatus.OFFERED


def test_bad_claim_tokens_are_not_found(session):
    with pytest.raises(errors.OfferNotFoundError):
        enrollment_offer_claim(token="forged", now=NOW)
    waiting_for_nothing = _book(session)
    with pytest.raises(errors.OfferNotFoundError):
        enrollment_offer_claim(token=offer_claim_token(waiting_for_nothing), now=NOW)


def test_declining_an_offer_hands_it_on(session):
    _offer_mode()
    booked = _book(session)
    first = _book(session)
    second = _book(session)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    enrollment_cancel(enrollment=Enrollment.objects.get(pk=first.pk), actor=ACTOR, now=NOW)
    assert _status(second) == EnrollmentStatus.OFFERED
    assert ClassSession.objects.get(pk=session.pk).taken == 1


def test_housekeeping_fills_a_seat_freed_while_promotions_were_missed(session):
    booked = _book(session)
    waiting = _book(session)
    # A seat freed behind the services' back (e.g. a manual fix): the next run fills it.
    Enrollment.objects.filter(pk=booked.pk).update(status=EnrollmentStatus.CANCELLED)
    ClassSession.objects.filter(pk=session.pk).update(taken=0)
    assert waitlist_housekeeping(now=NOW) == {"offers_expired": 0, "promoted": 1}
    assert _status(waiting) == EnrollmentStatus.BOOKED
