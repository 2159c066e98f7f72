"""Reads of group classes: types, sessions in a range (with waitlist lengths), rosters with
waitlist positions, a customer's enrollments, what a cancellation would mean."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from tenant_apps.classes.models import (
    ACTIVE_ENROLLMENT_STATUSES,
    ClassSession,
    ClassSettings,
    ClassType,
    Enrollment,
    EnrollmentPayment,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.customers.models import Customer

MAX_RANGE_DAYS = 92
WAITLISTED = Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED))


def class_settings_get() -> ClassSettings:
    """The studio's waitlist rules; the defaults (unsaved) until a manager changes them."""
    found = ClassSettings.objects.filter(pk=ClassSettings.SINGLETON_ID).first()
    return found if found is not None else ClassSettings()


@dataclass(frozen=True)
class EnrollmentRow:
    """An enrollment with its place in line (None unless waitlisted)."""

    enrollment: Enrollment
    waitlist_position: int | None


def class_type_list(*, active: bool | None = None) -> QuerySet[ClassType]:
    types = ClassType.objects.select_related("default_instructor", "room", "equipment")
    if active is not None:
        types = types.filter(is_active=active)
    return types.order_by("name", "pk")


def class_type_get(*, class_type_id: int) -> ClassType | None:
    return class_type_list().filter(pk=class_type_id).first()


def _sessions() -> QuerySet[ClassSession]:
    return ClassSession.objects.select_related("class_type", "instructor").annotate(
        waitlisted=WAITLISTED
    )


def class_session_list(*, start: datetime, end: datetime) -> QuerySet[ClassSession]:
    """Sessions overlapping [start, end), every status, each with `waitlisted` (the line's
    length), in one query."""
    return _sessions().filter(start__lt=end, end__gt=start).order_by("start", "pk")


def class_session_list_by_ids(*, session_ids: list[int]) -> QuerySet[ClassSession]:
    return _sessions().filter(pk__in=session_ids).order_by("start", "pk")


def class_session_get(*, session_id: int) -> ClassSession | None:
    """A session (with `waitlisted`), or None when this studio has no such id."""
    return _sessions().filter(pk=session_id).first()


def public_class_session_list(
    *,
    start: datetime,
    end: datetime,
    class_type_id: int | None = None,
    instructor_id: int | None = None,
    level: str | None = None,
) -> QuerySet[ClassSession]:
    """What the public schedule shows: scheduled sessions of active types starting in
    [start, end), with `waitlisted`."""
    sessions = _sessions().filter(
        status=SessionStatus.SCHEDULED,
        class_type__is_active=True,
        start__gte=start,
        start__lt=end,
    )
    if class_type_id is not None:
        sessions = sessions.filter(class_type_id=class_type_id)
    if instructor_id is not None:
        sessions = sessions.filter(instructor_id=instructor_id)
    if level:
        sessions = sessions.filter(class_type__level=level)
    return sessions.order_by("start", "pk")


def enrollment_get(*, enrollment_id: int) -> Enrollment | None:
    return (
        Enrollment.objects.select_related("customer", "session__class_type", "session__instructor")
        .filter(pk=enrollment_id)
        .first()
    )


def _line_position() -> Window:
    # Rank inside the (session, status) partition: for waitlisted rows that is the position
    # in line, by (waitlisted_at, id). Other statuses' numbers mean nothing and are dropped.
    return Window(
        RowNumber(),
        partition_by=[F("session_id"), F("status")],
        order_by=[F("waitlisted_at").asc(nulls_last=True), F("id").asc()],
    )


ROSTER_ORDER = {
    EnrollmentStatus.BOOKED: 0,
    EnrollmentStatus.ATTENDED: 0,
    EnrollmentStatus.NO_SHOW: 0,
    EnrollmentStatus.OFFERED: 1,
    EnrollmentStatus.WAITLISTED: 2,
    EnrollmentStatus.OFFER_EXPIRED: 3,
    EnrollmentStatus.CANCELLED: 4,
}


def session_roster(*, session: ClassSession) -> list[EnrollmentRow]:
    """Everyone enrolled in `session` (seats first, then offers, the waitlist in line order,
    then the lapsed and cancelled) with their waitlist positions, in one query."""
    rows = []
    for enrollment in (
        Enrollment.objects.filter(session_id=session.pk)
        .select_related("customer")
        .annotate(line_position=_line_position())
    ):
        waiting = enrollment.status == EnrollmentStatus.WAITLISTED
        rows.append(EnrollmentRow(enrollment, enrollment.line_position if waiting else None))
    rows.sort(
        key=lambda r: (
            ROSTER_ORDER[EnrollmentStatus(r.enrollment.status)],
            r.waitlist_position or 0,
            r.enrollment.created_at,
            r.enrollment.pk,
        )
    )
    return rows


def waitlist_position(enrollment: Enrollment) -> int | None:
    """The enrollment's place in its session's line (1 = next), or None if not waiting."""
    if enrollment.status != EnrollmentStatus.WAITLISTED or enrollment.waitlisted_at is None:
        return None
    ahead = Enrollment.objects.filter(
        session_id=enrollment.session_id, status=EnrollmentStatus.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=enrollment.waitlisted_at)
        | Q(waitlisted_at=enrollment.waitlisted_at, pk__lt=enrollment.pk)
    )
    return ahead.count() + 1


def waitlist_positions(*, enrollments: list[Enrollment]) -> dict[int, int]:
    """Positions of the waitlisted ones among `enrollments` (by id), in one query."""
    session_ids = {e.session_id for e in enrollments if e.status == EnrollmentStatus.WAITLISTED}
    if not session_ids:
        return {}
    wanted = {e.pk for e in enrollments}
    rows = (
        Enrollment.objects.filter(session_id__in=session_ids, status=EnrollmentStatus.WAITLISTED)
        .annotate(line_position=_line_position())
        .values_list("pk", "line_position")
    )
    return {pk: position for pk, position in rows if pk in wanted}


def enrollment_get_for_customer(*, reference: str, email: str) -> Enrollment | None:
    """A customer's own enrollment, by its reference and their email (both must match)."""
    reference = reference.strip().upper()
    email = email.strip()
    if not reference or not email:
        return None
    return (
        Enrollment.objects.select_related("customer", "session__class_type", "session__instructor")
        .filter(reference=reference, customer__email__iexact=email)
        .first()
    )


def customer_enrollment_list(*, customer: Customer, now: datetime) -> list[EnrollmentRow]:
    """The customer's active enrollments in sessions that haven't ended, soonest first, each
    with its waitlist position. Two queries."""
    rows = list(
        Enrollment.objects.filter(
            customer=customer,
            status__in=list(ACTIVE_ENROLLMENT_STATUSES),
            session__end__gt=now,
        )
        .select_related("session__class_type", "session__instructor")
        .order_by("session__start", "pk")
    )
    positions = waitlist_positions(enrollments=rows)
    return [EnrollmentRow(row, positions.get(row.pk)) for row in rows]


@dataclass(frozen=True)
class CancelTerms:
    """What cancelling an enrollment at a moment means (for the portal's button)."""

    allowed: bool
    late: bool
    credits_back: int
    credits_forfeited: int
    # When the late-cancel window starts (None: not a seat, no window).
    late_from: datetime | None


def enrollment_cancel_terms(
    *, enrollment: Enrollment, now: datetime, settings: ClassSettings | None = None
) -> CancelTerms:
    """Whether the enrollment may be cancelled at `now` and what happens to its credits
    (mirrors services.enrollment_cancel)."""
    settings = settings or class_settings_get()
    session = enrollment.session
    status = enrollment.status
    if status in (EnrollmentStatus.WAITLISTED, EnrollmentStatus.OFFERED):
        return CancelTerms(True, False, 0, 0, None)
    if status != EnrollmentStatus.BOOKED or session.start <= now:
        return CancelTerms(False, False, 0, 0, None)
    late_from = session.start - timedelta(hours=settings.late_cancel_hours)
    late = now > late_from
    credits = (
        session.credits * enrollment.spots if enrollment.payment == EnrollmentPayment.CREDITS else 0
    )
    forfeits = late and settings.late_cancel_forfeits_credit
    return CancelTerms(
        allowed=True,
        late=late,
        credits_back=0 if forfeits else credits,
        credits_forfeited=credits if forfeits else 0,
        late_from=late_from,
    )
