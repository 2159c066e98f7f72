"""Enrollments: booking seats (or a place on the waitlist), cancelling, attendance, walk-ins.

A seat is taken with one guarded UPDATE (services.seats); only when that finds the class full
does the booking lock the session row, so waitlist joins queue up and get their places (and
ids, and waitlisted_at) in the order they got the lock. The partial unique constraint (one
active enrollment per customer and session) is the last word on duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.classes import errors
from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.classes.selectors import class_settings_get
from tenant_apps.classes.services.common import (
    enrollment_email,
    enrollment_publish,
)
from tenant_apps.classes.services.payment import seat_pay_with_credits, seat_refund
from tenant_apps.classes.services.seats import (
    seats_release,
    seats_take,
    session_lock_for_waitlist,
)
from tenant_apps.classes.services.waitlist import waitlist_promote
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import customer_get_or_create
from tenant_apps.notifications.models import NotificationKind
from tenant_apps.packages.errors import InsufficientCreditsError
from tenant_apps.packages.selectors import credits_available_for
from tenant_apps.scheduling.references import reference_new
from tenant_apps.scheduling.services import Actor, CustomerDetails

ONE_ACTIVE_CONSTRAINT = "enrollment_one_active_per_customer"
BOOKABLE_PAYMENTS = (
    EnrollmentPayment.CREDITS,
    EnrollmentPayment.AT_STUDIO,
    EnrollmentPayment.COMPLIMENTARY,
)
# Attendance is taken from shortly before the start (people arrive early).
ATTENDANCE_OPENS_BEFORE = timedelta(minutes=30)
# Walk-ins are added until this long after the end (the desk catches up afterwards).
WALK_IN_GRACE_AFTER_END = timedelta(hours=2)
MAX_SPOTS = 20
ONE_MICROSECOND = timedelta(microseconds=1)


@contextmanager
def _duplicate_as_conflict() -> Iterator[None]:
    """The partial unique constraint's verdict as a clean 409 (used outside the transaction's
    block, so the rollback has happened when it converts)."""
    try:
        yield
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) == ONE_ACTIVE_CONSTRAINT:
            raise errors.AlreadyEnrolledError(
                "This customer is already booked or on the waitlist for this class."
            ) from exc
        raise


def _input_problems(*, session: ClassSession, spots: int, payment: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not 1 <= spots <= MAX_SPOTS:
        problems["spots"] = [f"Book 1 to {MAX_SPOTS} spots."]
    elif spots > session.capacity:
        problems["spots"] = [f"This class has {session.capacity} spots in all."]
    if payment not in BOOKABLE_PAYMENTS:
        problems["payment"] = ["Pay with credits, at the studio, or complimentary."]
    elif payment == EnrollmentPayment.CREDITS and session.credits < 1:
        problems["payment"] = ["This class can't be paid with credits."]
    return problems


def _price(session: ClassSession, spots: int, payment: str) -> Decimal:
    """What the customer owes at the desk (credits and complimentary: nothing)."""
    return session.price * spots if payment == EnrollmentPayment.AT_STUDIO else Decimal("0")


def enrollment_book(
    *,
    session: ClassSession,
    customer: Customer | CustomerDetails,
    payment: str,
    source: str,
    actor: Actor,
    now: datetime,
    spots: int = 1,
    join_waitlist: bool = True,
    customer_note: str = "",
) -> Enrollment:
    """Book `spots` seats of `session` for `customer` (an existing one, or found/created by
    email). A full class puts them on the waitlist (or, with join_waitlist=False, is a 409
    class_full). Paying with credits takes them now for a seat, and at promotion for a place
    on the waitlist. Refused: a cancelled or started class (409 session_not_bookable), a second
    active enrollment (409 already_enrolled), too few credits (409 insufficient_credits: the
    seat is not taken), bad spots or payment (422)."""
    problems = _input_problems(session=session, spots=spots, payment=payment)
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    if session.status != SessionStatus.SCHEDULED:
        raise errors.SessionNotBookableError("This class is cancelled.")
    if session.start <= now:
        raise errors.SessionNotBookableError("This class has started; it can't be booked.")
    with _duplicate_as_conflict(), transaction.atomic():
        if isinstance(customer, CustomerDetails):
            customer = customer_get_or_create(
                email=customer.email, full_name=customer.full_name, phone=customer.phone
            )
        waitlisted_at: datetime | None = None
        waitlisted = seats_take(session=session, spots=spots, now=now)
        seated = waitlisted is not None
        if not seated:
            # Full (or cancelled meanwhile): decide under the session's lock, so joins queue.
            lock = session_lock_for_waitlist(session=session)
            taken, capacity, latest = lock.taken, lock.capacity, lock.latest_waitlisted_at
            if lock.status != SessionStatus.SCHEDULED:
                raise errors.SessionNotBookableError("This class is cancelled.")
            if taken + spots <= capacity:
                waitlisted = seats_take(session=session, spots=spots, now=now)
                seated = waitlisted is not None
            elif not join_waitlist:
                left = max(capacity - taken, 0)
                raise errors.ClassFullError(
                    "This class is full." if left == 0 else f"Only {left} spot(s) are left."
                )
            else:
                if payment == EnrollmentPayment.CREDITS:
                    _require_credits_for_waitlist(
                        customer=customer, session=session, spots=spots, now=now
                    )
                # Strictly after everyone already waiting, whatever the callers' clocks say.
                waitlisted_at = now if latest is None else max(now, latest + ONE_MICROSECOND)
                waitlisted = lock.waitlisted + 1
        enrollment = Enrollment(
            reference=reference_new(),
            session=session,
            customer=customer,
            spots=spots,
            status=EnrollmentStatus.BOOKED if seated else EnrollmentStatus.WAITLISTED,
            waitlisted_at=waitlisted_at,
            payment=payment,
            price=_price(session, spots, payment),
            currency=session.currency,
            source=source,
            customer_note=customer_note,
        )
        enrollment.save(force_insert=True)
        position = None
        if seated:
            if payment == EnrollmentPayment.CREDITS:
                seat_pay_with_credits(enrollment=enrollment, session=session, actor=actor, now=now)
            kind = NotificationKind.CLASS_BOOKED
        else:
            # The newest in line (the lock is held): its position is the line's length.
            position = waitlisted
            kind = NotificationKind.CLASS_WAITLISTED
        enrollment_email(
            kind=kind,
            enrollment=enrollment,
            session=session,
            dedupe="created",
            **({"waitlist_position": position} if position is not None else {}),
        )
        enrollment_publish(session, waitlisted=waitlisted)
    return enrollment


def _require_credits_for_waitlist(
    *, customer: Customer, session: ClassSession, spots: int, now: datetime
) -> None:
    """A place on the waitlist "paid with credits" is charged at promotion; refuse it now when
    no package could pay it today, rather than surprise the customer with a desk bill later."""
    needed = session.credits * spots
    packages = credits_available_for(customer=customer, class_type=session.class_type, now=now)
    if not any(package.balance >= needed for package in packages):
        raise InsufficientCreditsError(
            f"No package of yours has {needed} credit{'s' if needed != 1 else ''} left for this "
            "class. Join the waitlist paying at the studio instead."
        )


def _lock_session(session_id: int) -> None:
    list(
        ClassSession.objects.select_for_update().filter(pk=session_id).values_list("pk", flat=True)
    )


def _locked(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("customer", "session__class_type", "session__instructor")
        .get(pk=enrollment.pk)
    )


def enrollment_is_late_cancel(*, session: ClassSession, now: datetime) -> bool:
    """Whether cancelling a seat of `session` at `now` is late (the studio's window)."""
    settings = class_settings_get()
    return now > session.start - timedelta(hours=settings.late_cancel_hours)


def enrollment_cancel(
    *, enrollment: Enrollment, actor: Actor, now: datetime, reason: str = ""
) -> Enrollment:
    """Cancel a seat, an offer or a place on the waitlist. A seat's credits come back unless
    the cancellation is late and the studio keeps credits of late cancellations; the freed
    seat goes to the waitlist. Refused (409 invalid_transition) once the class has started or
    for an enrollment that is no longer active."""
    with transaction.atomic():
        # The session first, then the enrollment: the order the session's cancellation and
        # the waitlist's promotions lock in, so a cancel racing them queues instead of
        # deadlocking.
        _lock_session(enrollment.session_id)
        locked = _locked(enrollment)
        session = locked.session
        was = locked.status
        if was not in (
            EnrollmentStatus.BOOKED,
            EnrollmentStatus.WAITLISTED,
            EnrollmentStatus.OFFERED,
        ):
            raise errors.EnrollmentTransitionError(
                f"A{'n' if was in ('attended', 'offer_expired') else ''} "
                f"{locked.get_status_display().lower()} enrollment can't be cancelled."
            )
        if was == EnrollmentStatus.BOOKED and session.start <= now:
            raise errors.EnrollmentTransitionError(
                "The class has started: mark a no-show instead of cancelling."
            )
        settings = class_settings_get()
        late = was == EnrollmentStatus.BOOKED and now > session.start - timedelta(
            hours=settings.late_cancel_hours
        )
        locked.status = EnrollmentStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = reason.strip()[:500]
        locked.late_cancel = late
        locked.save(
            update_fields=["status", "cancelled_at", "cancel_reason", "late_cancel", "updated_at"]
        )
        refunded = False
        forfeited = False
        if was == EnrollmentStatus.BOOKED and locked.payment == EnrollmentPayment.CREDITS:
            if late and settings.late_cancel_forfeits_credit:
                forfeited = True
            else:
                refunded = seat_refund(
                    enrollment=locked, actor=actor, now=now, reason="Class booking cancelled"
                )
        credits = session.credits * locked.spots
        enrollment_email(
            kind=NotificationKind.CLASS_ENROLLMENT_CANCELLED,
            enrollment=locked,
            session=session,
            dedupe="cancelled",
            was=was,
            late_cancel=late,
            credits_refunded=credits if refunded else 0,
            credits_forfeited=credits if forfeited else 0,
            reason=locked.cancel_reason,
        )
        moved = []
        if was in (EnrollmentStatus.BOOKED, EnrollmentStatus.OFFERED):
            seats_release(session=session, spots=locked.spots, now=now)
            moved = waitlist_promote(session=session, now=now)
        if not moved:
            enrollment_publish(session)
    return locked


def _attendance_open(session: ClassSession, now: datetime) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise errors.SessionCancelledError("This class is cancelled.")
    if now < session.start - ATTENDANCE_OPENS_BEFORE:
        minutes = int(ATTENDANCE_OPENS_BEFORE.total_seconds() // 60)
        raise errors.AttendanceTooEarlyError(
            f"Attendance opens {minutes} minutes before the class starts."
        )


def _attendance_set(
    *, enrollment: Enrollment, to_status: str, allowed_from: tuple[str, ...], now: datetime
) -> Enrollment:
    with transaction.atomic():
        locked = _locked(enrollment)
        if locked.status not in allowed_from:
            raise errors.EnrollmentTransitionError(
                f"A {locked.get_status_display().lower()} enrollment can't become "
                f"{EnrollmentStatus(to_status).label.lower()}."
            )
        _attendance_open(locked.session, now)
        locked.status = to_status
        locked.checked_in_at = now if to_status == EnrollmentStatus.ATTENDED else None
        locked.save(update_fields=["status", "checked_in_at", "updated_at"])
        enrollment_publish(locked.session)
    return locked


def enrollment_check_in(*, enrollment: Enrollment, actor: Actor, now: datetime) -> Enrollment:
    """Mark a booked customer (or one marked a no-show by mistake) as attended; from 30
    minutes before the start on."""
    return _attendance_set(
        enrollment=enrollment,
        to_status=EnrollmentStatus.ATTENDED,
        allowed_from=(EnrollmentStatus.BOOKED, EnrollmentStatus.NO_SHOW),
        now=now,
    )


def enrollment_mark_no_show(*, enrollment: Enrollment, actor: Actor, now: datetime) -> Enrollment:
    """Mark a booked customer as a no-show (the seat and any credits stay used); from 30
    minutes before the start on."""
    return _attendance_set(
        enrollment=enrollment,
        to_status=EnrollmentStatus.NO_SHOW,
        allowed_from=(EnrollmentStatus.BOOKED,),
        now=now,
    )


def walk_in_add(
    *,
    session: ClassSession,
    customer: Customer | CustomerDetails,
    payment: str,
    actor: Actor,
    now: datetime,
    spots: int = 1,
) -> Enrollment:
    """Someone who turns up without booking: a seat (if there is one: 409 class_full
    otherwise), checked in at once, source walk_in."""
    problems = _input_problems(session=session, spots=spots, payment=payment)
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    _attendance_open(session, now)
    if now > session.end + WALK_IN_GRACE_AFTER_END:
        raise errors.SessionNotBookableError("This class is long over.")
    with _duplicate_as_conflict(), transaction.atomic():
        if isinstance(customer, CustomerDetails):
            customer = customer_get_or_create(
                email=customer.email, full_name=customer.full_name, phone=customer.phone
            )
        waitlisted = seats_take(session=session, spots=spots, now=now)
        if waitlisted is None:
            raise errors.ClassFullError("This class is full.")
        enrollment = Enrollment(
            reference=reference_new(),
            session=session,
            customer=customer,
            spots=spots,
            status=EnrollmentStatus.ATTENDED,
            payment=payment,
            price=_price(session, spots, payment),
            currency=session.currency,
            source=EnrollmentSource.WALK_IN,
            checked_in_at=now,
        )
        enrollment.save(force_insert=True)
        if payment == EnrollmentPayment.CREDITS:
            seat_pay_with_credits(enrollment=enrollment, session=session, actor=actor, now=now)
        enrollment_publish(session, waitlisted=waitlisted)
    return enrollment
