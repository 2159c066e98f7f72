"""Waitlists: filling freed seats from the line, offers and their claim window, housekeeping.

The line's order is (waitlisted_at, id). Promotions happen under the session's row lock (the
same lock waitlist joins take), so a seat is never handed to two people and a join never slips
in between a freed seat and its promotion. No promotion, of either kind, inside the studio's
close window before the start: late seats go to whoever books them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import F

from tenant_apps.classes.errors import OfferExpiredError, OfferNotFoundError
from tenant_apps.classes.models import (
    ClassSession,
    ClassSettings,
    Enrollment,
    EnrollmentStatus,
    SessionStatus,
    WaitlistMode,
)
from tenant_apps.classes.selectors import class_settings_get
from tenant_apps.classes.services.common import (
    enrollment_email,
    enrollment_publish,
)
from tenant_apps.classes.services.payment import seat_pay_best_effort
from tenant_apps.classes.services.seats import (
    seats_release,
    seats_take,
    session_lock_for_waitlist,
)
from tenant_apps.classes.tokens import offer_claim_path, offer_claim_reference
from tenant_apps.notifications.models import NotificationKind
from tenant_apps.scheduling.services import Actor

WAITLIST_ACTOR = Actor(label="Waitlist")
LEFT_FOR_OVERLAP = "Enrolled in another class at the same time."


def promotions_open(*, session: ClassSession, settings: ClassSettings, now: datetime) -> bool:
    """Whether freed seats of `session` go to its waitlist at `now`."""
    return session.status == SessionStatus.SCHEDULED and now < session.start - timedelta(
        hours=settings.close_window_hours
    )


def overlapping_waitlists_leave(
    *, enrollment: Enrollment, session: ClassSession, now: datetime
) -> list[int]:
    """Take the customer off the waitlists of other scheduled sessions that overlap `session`
    (they can't be in two places at once). Returns the sessions whose line changed."""
    others = list(
        Enrollment.objects.select_for_update(of=("self",))
        .filter(
            customer_id=enrollment.customer_id,
            status=EnrollmentStatus.WAITLISTED,
            session__status=SessionStatus.SCHEDULED,
            session__start__lt=session.end,
            session__end__gt=session.start,
        )
        .exclude(session_id=session.pk)
        .select_related("session__class_type", "session__instructor")
    )
    for other in others:
        other.status = EnrollmentStatus.CANCELLED
        other.cancelled_at = now
        other.cancel_reason = LEFT_FOR_OVERLAP
        other.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        enrollment_publish(other.session)
    return [other.session_id for other in others]


def _promote_one(
    *,
    enrollment: Enrollment,
    session: ClassSession,
    settings: ClassSettings,
    actor: Actor,
    now: datetime,
) -> None:
    if settings.waitlist_mode == WaitlistMode.OFFER:
        enrollment.status = EnrollmentStatus.OFFERED
        enrollment.offer_expires_at = min(
            now + timedelta(minutes=settings.claim_window_minutes), session.start
        )
        enrollment.save(update_fields=["status", "offer_expires_at", "updated_at"])
        enrollment_email(
            kind=NotificationKind.CLASS_SPOT_OFFERED,
            enrollment=enrollment,
            session=session,
            dedupe=enrollment.offer_expires_at.isoformat(),
            claim_path=offer_claim_path(enrollment),
            offer_expires_at=enrollment.offer_expires_at.isoformat(),
            claim_window_minutes=settings.claim_window_minutes,
        )
        return
    enrollment.payment = seat_pay_best_effort(
        enrollment=enrollment, session=session, actor=actor, now=now
    )
    enrollment.status = EnrollmentStatus.BOOKED
    enrollment.save(update_fields=["status", "payment", "updated_at"])
    left = overlapping_waitlists_leave(enrollment=enrollment, session=session, now=now)
    enrollment_email(
        kind=NotificationKind.CLASS_PROMOTED,
        enrollment=enrollment,
        session=session,
        dedupe="promoted",
        left_waitlists=len(left),
    )


def waitlist_promote(
    *, session: ClassSession, now: datetime, actor: Actor = WAITLIST_ACTOR
) -> list[Enrollment]:
    """Hand the session's free seats to its line, first in line first (skipping those whose
    party doesn't fit): enrolled (automatic mode) or offered (offer mode). Runs inside the
    caller's transaction; returns the enrollments it moved."""
    settings = class_settings_get()
    if not promotions_open(session=session, settings=settings, now=now):
        return []
    with transaction.atomic():
        lock = session_lock_for_waitlist(session=session)
        if lock.status != SessionStatus.SCHEDULED or lock.taken >= lock.capacity:
            return []
        line = list(
            Enrollment.objects.filter(session_id=session.pk, status=EnrollmentStatus.WAITLISTED)
            .select_related("customer")
            .order_by("waitlisted_at", "pk")
        )
        moved: list[Enrollment] = []
        for enrollment in line:
            if session.capacity - session.taken < 1:
                break
            if seats_take(session=session, spots=enrollment.spots, now=now) is None:
                continue  # a party that doesn't fit the seats left; the next one may
            _promote_one(
                enrollment=enrollment, session=session, settings=settings, actor=actor, now=now
            )
            moved.append(enrollment)
        if moved:
            enrollment_publish(session)
    return moved


def enrollment_offer_claim(*, token: str, now: datetime) -> Enrollment:
    """The customer claims the spot offered to them: booked, paid with credits when a package
    covers it (else at the studio). Claiming twice returns the booking; a lapsed offer is a 409
    offer_expired; a bad token or no such offer a 404 offer_not_found."""
    try:
        reference = offer_claim_reference(token)
    except signing.BadSignature as exc:
        raise OfferNotFoundError("This link is not valid (or too old).") from exc
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("customer", "session__class_type", "session__instructor")
            .filter(reference=reference)
            .first()
        )
        if enrollment is None:
            raise OfferNotFoundError("There is no offer for this link.")
        if enrollment.status == EnrollmentStatus.BOOKED and enrollment.offer_expires_at:
            return enrollment  # claimed already: the same answer again
        if enrollment.status == EnrollmentStatus.OFFER_EXPIRED or (
            enrollment.status == EnrollmentStatus.OFFERED
            and enrollment.offer_expires_at is not None
            and enrollment.offer_expires_at <= now
        ):
            raise OfferExpiredError(
                "This offer has expired and the spot went to the next person in line."
            )
        if enrollment.status != EnrollmentStatus.OFFERED:
            raise OfferNotFoundError("This spot is no longer on offer.")
        session = enrollment.session
        customer = enrollment.customer
        actor = Actor.for_customer(customer, via="waitlist offer")
        enrollment.payment = seat_pay_best_effort(
            enrollment=enrollment, session=session, actor=actor, now=now
        )
        enrollment.status = EnrollmentStatus.BOOKED
        enrollment.save(update_fields=["status", "payment", "updated_at"])
        overlapping_waitlists_leave(enrollment=enrollment, session=session, now=now)
        enrollment_email(
            kind=NotificationKind.CLASS_BOOKED,
            enrollment=enrollment,
            session=session,
            dedupe="claimed",
        )
        enrollment_publish(session)
    return enrollment


def offers_expire(*, now: datetime) -> list[Enrollment]:
    """Lapse the offers whose claim window has passed: the seat goes back and the next in line
    is offered it (when promotions are still open). Returns the lapsed enrollments."""
    lapsed: list[Enrollment] = []
    due_sessions = list(
        Enrollment.objects.filter(status=EnrollmentStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    for session_id in sorted(due_sessions):
        with transaction.atomic():
            session = (
                ClassSession.objects.select_related("class_type", "instructor")
                .filter(pk=session_id)
                .get()
            )
            session_lock_for_waitlist(session=session)
            expired = list(
                Enrollment.objects.select_for_update()
                .filter(
                    session_id=session_id,
                    status=EnrollmentStatus.OFFERED,
                    offer_expires_at__lte=now,
                )
                .order_by("offer_expires_at", "pk")
            )
            for enrollment in expired:
                enrollment.status = EnrollmentStatus.OFFER_EXPIRED
                enrollment.save(update_fields=["status", "updated_at"])
                seats_release(session=session, spots=enrollment.spots, now=now)
                lapsed.append(enrollment)
            if not waitlist_promote(session=session, now=now):
                enrollment_publish(session)
    return lapsed


def waitlist_housekeeping(*, now: datetime) -> dict[str, int]:
    """The every-minute job in one studio: lapse expired offers (handing their seats on), and
    fill any seat that is free while people wait (a capacity raised, a missed promotion).
    Safe to run any number of times."""
    lapsed = offers_expire(now=now)
    settings = class_settings_get()
    waiting = (
        ClassSession.objects.select_related("class_type", "instructor")
        .filter(
            status=SessionStatus.SCHEDULED,
            start__gt=now + timedelta(hours=settings.close_window_hours),
            taken__lt=F("capacity"),
            enrollments__status=EnrollmentStatus.WAITLISTED,
        )
        .distinct()
        .order_by("start", "pk")
    )
    promoted = 0
    for session in waiting:
        with transaction.atomic():
            promoted += len(waitlist_promote(session=session, now=now))
    return {"offers_expired": len(lapsed), "promoted": promoted}
