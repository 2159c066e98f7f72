"""Scheduling class sessions: one-off, weekly series, edits ("this" or "this and following"),
cancellation.

Every write that puts an instructor at a time locks their StaffMember row (the same lock the
appointment services take), then refuses (409 instructor_busy) when an active appointment or
another scheduled session of theirs overlaps. A session holds its type's room (one unit) and
equipment (per attendee x capacity) over [start, end) through the resources services, whose
409 resource_unavailable propagates out of the transaction so nothing is left half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from django.db import transaction

from realtime import protocol
from shared_apps.core.errors import ValidationFailedError
from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes import errors
from tenant_apps.classes.models import (
    ClassSeries,
    ClassSession,
    ClassType,
    Enrollment,
    EnrollmentPayment,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.classes.selectors import waitlist_positions
from tenant_apps.classes.services.common import (
    enrollment_email,
    session_publish,
    utc_json,
    waitlist_counts,
)
from tenant_apps.classes.services.payment import seat_refund
from tenant_apps.classes.services.seats import seats_release
from tenant_apps.classes.services.waitlist import waitlist_promote
from tenant_apps.notifications.models import NotificationKind
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import (
    reservations_move,
    reservations_release,
    resources_reserve,
)
from tenant_apps.scheduling.models import ACTIVE_STATUSES, Appointment
from tenant_apps.scheduling.services import Actor

MAX_SERIES_SESSIONS = 104
MAX_CAPACITY = 500
Scope = Literal["this", "following"]
INVALID = "Check the fields listed in errors."


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime


def session_needs(class_type: ClassType, capacity: int) -> list[ResourceNeed]:
    """What a session of `class_type` for `capacity` people holds: the room, and equipment
    for every seat (a reformer class: the studio room and 12 reformers)."""
    needs = []
    if class_type.room_id is not None:
        needs.append(ResourceNeed(class_type.room_id, 1))
    if class_type.equipment_id is not None and class_type.equipment_per_attendee > 0:
        needs.append(
            ResourceNeed(class_type.equipment_id, class_type.equipment_per_attendee * capacity)
        )
    return needs


def _lock_instructors(*staff_ids: int) -> None:
    # Ordered by id, like the appointment services' lock, so the two never deadlock.
    list(
        StaffMember.objects.select_for_update()
        .filter(pk__in=sorted(set(staff_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %Y %H:%M}"


def instructor_busy_check(
    *,
    instructor: StaffMember,
    spans: Sequence[Span],
    zone: ZoneInfo,
    exclude_session_ids: Sequence[int] = (),
) -> None:
    """Raise InstructorBusyError when `instructor` has an active appointment or another
    scheduled session overlapping one of `spans` (two queries whatever the number of spans).
    Call with the instructor's row locked."""
    if not spans:
        return
    low = min(s.start for s in spans)
    high = max(s.end for s in spans)
    appointments = list(
        Appointment.objects.filter(
            staff_id=instructor.pk,
            status__in=ACTIVE_STATUSES,
            blocked_start__lt=high,
            blocked_end__gt=low,
        ).values_list("blocked_start", "blocked_end")
    )
    sessions = list(
        ClassSession.objects.filter(
            instructor_id=instructor.pk,
            status=SessionStatus.SCHEDULED,
            start__lt=high,
            end__gt=low,
        )
        .exclude(pk__in=list(exclude_session_ids))
        .values_list("start", "end")
    )
    for span in spans:
        for kind, busy in (("an appointment", appointments), ("another class", sessions)):
            if any(b_start < span.end and b_end > span.start for b_start, b_end in busy):
                raise errors.InstructorBusyError(
                    f"{instructor.display_name} has {kind} at {_when(span.start, zone)}.",
                    errors={"instructor": [f"Busy at {_when(span.start, zone)}."]},
                )


def _terms_problems(
    *, class_type: ClassType, capacity: int, price: Decimal, credits: int
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not class_type.is_active:
        problems["class_type"] = ["This class type is switched off."]
    if not 1 <= capacity <= MAX_CAPACITY:
        problems["capacity"] = [f"Room for 1 to {MAX_CAPACITY} people."]
    if price < 0:
        problems["price"] = ["The price can't be negative."]
    if credits < 0:
        problems["credits"] = ["Credits can't be negative."]
    return problems


def _new_session(
    *,
    class_type: ClassType,
    instructor: StaffMember,
    start: datetime,
    capacity: int,
    price: Decimal,
    credits: int,
    notes: str,
    series: ClassSeries | None = None,
) -> ClassSession:
    return ClassSession(
        class_type=class_type,
        series=series,
        instructor=instructor,
        start=start,
        end=start + timedelta(minutes=class_type.duration_minutes),
        capacity=capacity,
        price=price,
        currency=class_type.currency,
        credits=credits,
        notes=notes,
    )


def _instructor_for(class_type: ClassType, instructor: StaffMember | None) -> StaffMember:
    chosen = instructor or class_type.default_instructor
    if chosen is None:
        raise ValidationFailedError(
            INVALID, errors={"instructor": ["Choose who teaches (the type has no default)."]}
        )
    return chosen


def _schedule(
    *,
    class_type: ClassType,
    instructor: StaffMember | None,
    starts: list[datetime],
    now: datetime,
    studio_timezone: str,
    capacity: int | None,
    price: Decimal | None,
    credits: int | None,
    notes: str,
    series_end: tuple[date | None, int | None] | None = None,
) -> tuple[ClassSeries | None, list[ClassSession]]:
    teacher = _instructor_for(class_type, instructor)
    capacity = class_type.capacity if capacity is None else capacity
    price = class_type.price if price is None else Decimal(price)
    credits = class_type.credits if credits is None else credits
    problems = _terms_problems(
        class_type=class_type, capacity=capacity, price=price, credits=credits
    )
    if starts[0] <= now:
        problems["start"] = ["Schedule classes in the future."]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    zone = ZoneInfo(studio_timezone)
    duration = timedelta(minutes=class_type.duration_minutes)
    with transaction.atomic():
        _lock_instructors(teacher.pk)
        instructor_busy_check(
            instructor=teacher, spans=[Span(s, s + duration) for s in starts], zone=zone
        )
        series = None
        if series_end is not None:
            series = ClassSeries.objects.create(
                class_type=class_type,
                instructor=teacher,
                first_start=starts[0],
                repeat_until=series_end[0],
                count=series_end[1],
            )
        sessions = ClassSession.objects.bulk_create(
            [
                _new_session(
                    class_type=class_type,
                    instructor=teacher,
                    start=start,
                    capacity=capacity,
                    price=price,
                    credits=credits,
                    notes=notes,
                    series=series,
                )
                for start in starts
            ]
        )
        needs = session_needs(class_type, capacity)
        for session in sessions:
            resources_reserve(
                needs=needs, start=session.start, end=session.end, class_session=session
            )
            session_publish(session, type=protocol.CLASS_SESSION_CREATED, waitlisted=0)
    return series, sessions


def class_session_create(
    *,
    class_type: ClassType,
    start: datetime,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    instructor: StaffMember | None = None,
    capacity: int | None = None,
    price: Decimal | None = None,
    credits: int | None = None,
    notes: str = "",
) -> ClassSession:
    """One session of `class_type` at `start` (end = start + the type's duration). The
    instructor defaults to the type's; capacity, price and credits are copied from the type
    unless given. 409 instructor_busy / resource_unavailable, 422 for bad values."""
    _, sessions = _schedule(
        class_type=class_type,
        instructor=instructor,
        starts=[start],
        now=now,
        studio_timezone=studio_timezone,
        capacity=capacity,
        price=price,
        credits=credits,
        notes=notes,
    )
    return sessions[0]


def weekly_starts(
    *, first_start: datetime, zone: ZoneInfo, until: date | None, count: int | None
) -> list[datetime]:
    """Weekly starts at the same local wall-clock time as `first_start` in `zone` (so 18:00
    stays 18:00 across DST changes; the UTC instant moves instead), up to the local date
    `until` (included) or `count` sessions, at most MAX_SERIES_SESSIONS.

    A wall-clock time that doesn't exist on some date (inside a spring-forward gap) resolves
    with the offset before the change (02:30 becomes 03:30 summer time), as zoneinfo does."""
    local = first_start.astimezone(zone).replace(tzinfo=None)
    starts: list[datetime] = []
    week = 0
    while len(starts) < MAX_SERIES_SESSIONS + 1:
        wall = local + timedelta(weeks=week)
        if until is not None and wall.date() > until:
            break
        if count is not None and len(starts) >= count:
            break
        starts.append(wall.replace(tzinfo=zone))
        week += 1
    return starts


def class_series_create(
    *,
    class_type: ClassType,
    first_start: datetime,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    repeat_until: date | None = None,
    count: int | None = None,
    instructor: StaffMember | None = None,
    capacity: int | None = None,
    price: Decimal | None = None,
    credits: int | None = None,
    notes: str = "",
) -> tuple[ClassSeries, list[ClassSession]]:
    """A weekly series from `first_start`, until the date `repeat_until` (local, included) or
    for `count` sessions (exactly one of them; at most 104 sessions). Every session is checked
    (instructor, resources); one conflict refuses the whole series, naming its date."""
    problems: dict[str, list[str]] = {}
    if (repeat_until is None) == (count is None):
        problems["repeat_until"] = ["Give an end date or a number of sessions (one of them)."]
    elif count is not None and not 1 <= count <= MAX_SERIES_SESSIONS:
        problems["count"] = [f"A series has 1 to {MAX_SERIES_SESSIONS} sessions."]
    zone = ZoneInfo(studio_timezone)
    if not problems:
        starts = weekly_starts(first_start=first_start, zone=zone, until=repeat_until, count=count)
        if not starts:
            problems["repeat_until"] = ["The end date is before the first session."]
        elif len(starts) > MAX_SERIES_SESSIONS:
            problems["repeat_until"] = [
                f"A series has at most {MAX_SERIES_SESSIONS} sessions: choose an earlier end."
            ]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    series, sessions = _schedule(
        class_type=class_type,
        instructor=instructor,
        starts=starts,
        now=now,
        studio_timezone=studio_timezone,
        capacity=capacity,
        price=price,
        credits=credits,
        notes=notes,
        series_end=(repeat_until, count),
    )
    assert series is not None
    return series, sessions


def _wall_delta(old: datetime, new: datetime, zone: ZoneInfo) -> timedelta:
    """How far the local wall clock moved (a 18:00 -> 19:00 move is one hour in any week)."""
    return new.astimezone(zone).replace(tzinfo=None) - old.astimezone(zone).replace(tzinfo=None)


@dataclass(frozen=True)
class _Before:
    """A session's time and teacher before an edit (what its customers were told)."""

    start: datetime
    end: datetime
    instructor: StaffMember


# Whoever holds a seat, was offered one or waits for one hears about a move.
_TOLD_OF_CHANGES = (
    EnrollmentStatus.BOOKED,
    EnrollmentStatus.OFFERED,
    EnrollmentStatus.WAITLISTED,
)


def _changes_email(*, sessions: Sequence[ClassSession], before: dict[int, _Before]) -> None:
    """Queue one email per customer waiting for each of `sessions` whose time or instructor
    changed (two queries whatever the number of sessions). The key names the change itself
    (the session's new time, teacher and revision), so a class moved there and back again
    tells its customers each time, and a retry of the same change is one email."""
    moved = [
        s
        for s in sessions
        if (s.start, s.end, s.instructor_id)
        != (before[s.pk].start, before[s.pk].end, before[s.pk].instructor.pk)
    ]
    if not moved:
        return
    by_id = {s.pk: s for s in moved}
    enrollments = list(
        Enrollment.objects.filter(session_id__in=list(by_id), status__in=_TOLD_OF_CHANGES)
        .select_related("customer")
        .order_by("session_id", "pk")
    )
    positions = waitlist_positions(enrollments=enrollments)
    for enrollment in enrollments:
        session = by_id[enrollment.session_id]
        was = before[session.pk]
        position = positions.get(enrollment.pk)
        enrollment_email(
            kind=NotificationKind.CLASS_SESSION_CHANGED,
            enrollment=enrollment,
            session=session,
            dedupe=(
                f"session-{session.pk}:{utc_json(session.start)}:staff-{session.instructor_id}"
                f":rev-{utc_json(session.updated_at)}"
            ),
            previous_start=was.start.isoformat(),
            previous_end=was.end.isoformat(),
            previous_instructor=was.instructor.display_name,
            time_changed=(session.start, session.end) != (was.start, was.end),
            instructor_changed=session.instructor_id != was.instructor.pk,
            **({"waitlist_position": position} if position is not None else {}),
        )


def class_session_update(
    *,
    session: ClassSession,
    scope: Scope,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    start: datetime | None = None,
    instructor: StaffMember | None = None,
    capacity: int | None = None,
    notes: str | None = None,
) -> list[ClassSession]:
    """Change one session ("this") or it and the later scheduled sessions of its series
    ("following"). `start` moves this session; the later ones move by the same local
    wall-clock change (a new day and time of day, DST-safe). Capacity never goes below the
    seats taken (422); a higher capacity hands the new seats to the waitlist. Customers of a
    session whose time or instructor changed are emailed (old and new time). Returns the
    changed sessions."""
    if scope not in ("this", "following"):
        raise ValidationFailedError(INVALID, errors={"scope": ['Use "this" or "following".']})
    if session.status != SessionStatus.SCHEDULED:
        raise errors.SessionCancelledError("A cancelled class can't be changed.")
    problems: dict[str, list[str]] = {}
    if start is not None and start != session.start and session.start <= now:
        problems["start"] = ["This class has started; it can't be moved."]
    elif start is not None and start != session.start and start <= now:
        problems["start"] = ["Move classes to a time in the future."]
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        problems["capacity"] = [f"Room for 1 to {MAX_CAPACITY} people."]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    zone = ZoneInfo(studio_timezone)
    delta = _wall_delta(session.start, start, zone) if start is not None else timedelta(0)
    with transaction.atomic():
        family = ClassSession.objects.select_related("class_type", "instructor").filter(
            pk=session.pk
        )
        if scope == "following" and session.series_id is not None:
            family = ClassSession.objects.select_related("class_type", "instructor").filter(
                series_id=session.series_id,
                status=SessionStatus.SCHEDULED,
                start__gte=session.start,
            )
        targets = list(family.select_for_update(of=("self",)).order_by("start", "pk"))
        instructor_ids = {s.instructor_id for s in targets}
        if instructor is not None:
            instructor_ids.add(instructor.pk)
        _lock_instructors(*instructor_ids)
        changed: list[tuple[ClassSession, int]] = []
        before: dict[int, _Before] = {}
        spans_by_teacher: dict[int, list[Span]] = {}
        teachers: dict[int, StaffMember] = {}
        problems = {}
        for target in targets:
            previous_instructor = target.instructor_id
            new_start = target.start
            if delta:
                new_start = (target.start.astimezone(zone).replace(tzinfo=None) + delta).replace(
                    tzinfo=zone
                )
            length = target.end - target.start
            if capacity is not None and capacity < target.taken:
                problems.setdefault("capacity", []).append(
                    f"{_when(target.start, zone)} has {target.taken} seats taken."
                )
                continue
            moved = new_start != target.start
            retaught = instructor is not None and instructor.pk != target.instructor_id
            if moved or retaught:
                teacher = instructor if instructor is not None else target.instructor
                teachers[teacher.pk] = teacher
                spans_by_teacher.setdefault(teacher.pk, []).append(
                    Span(new_start, new_start + length)
                )
            before[target.pk] = _Before(target.start, target.end, target.instructor)
            target.start = new_start
            target.end = new_start + length
            if instructor is not None:
                target.instructor = instructor
            if capacity is not None:
                target.capacity = capacity
            if notes is not None:
                target.notes = notes
            changed.append((target, previous_instructor))
        if problems:
            raise ValidationFailedError(INVALID, errors=problems)
        moving_ids = [t.pk for t, _ in changed]
        for teacher_id, spans in spans_by_teacher.items():
            instructor_busy_check(
                instructor=teachers[teacher_id],
                spans=spans,
                zone=zone,
                exclude_session_ids=moving_ids,
            )
        for target, _ in changed:
            target.save(
                update_fields=["start", "end", "instructor", "capacity", "notes", "updated_at"]
            )
        for target, _ in changed:
            reservations_move(
                needs=session_needs(target.class_type, target.capacity),
                start=target.start,
                end=target.end,
                class_session=target,
            )
        _changes_email(sessions=[t for t, _ in changed], before=before)
        counts = waitlist_counts(moving_ids)
        for target, previous_instructor in changed:
            moved_in = waitlist_promote(session=target, now=now) if capacity else []
            session_publish(
                target,
                type=protocol.CLASS_SESSION_UPDATED,
                waitlisted=counts[target.pk] - len(moved_in),
                previous_instructor_id=previous_instructor,
            )
    return [target for target, _ in changed]


def class_session_cancel(
    *, session: ClassSession, reason: str, actor: Actor, now: datetime
) -> ClassSession:
    """Cancel a session: everyone booked, offered a spot or waiting is cancelled, credits come
    back (whatever the late-cancel rule: the studio cancelled), each customer is emailed once,
    and the room and equipment are released."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(
            "Give a reason: the customers are told why.",
            errors={"reason": ["Give a reason: the customers are told why."]},
        )
    with transaction.atomic():
        locked = (
            ClassSession.objects.select_for_update(of=("self",))
            .select_related("class_type", "instructor")
            .get(pk=session.pk)
        )
        if locked.status != SessionStatus.SCHEDULED:
            raise errors.SessionCancelledError("This class is cancelled already.")
        if locked.start <= now:
            raise errors.SessionNotBookableError("A class that has started can't be cancelled.")
        active = list(
            Enrollment.objects.select_for_update(of=("self",))
            .filter(
                session_id=locked.pk,
                status__in=[
                    EnrollmentStatus.BOOKED,
                    EnrollmentStatus.OFFERED,
                    EnrollmentStatus.WAITLISTED,
                ],
            )
            .select_related("customer")
            .order_by("pk")
        )
        seats = 0
        for enrollment in active:
            was = enrollment.status
            if was != EnrollmentStatus.WAITLISTED:
                seats += enrollment.spots
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.cancelled_at = now
            enrollment.cancel_reason = f"Class cancelled by the studio: {reason}"[:500]
            enrollment.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
            refunded = (
                was == EnrollmentStatus.BOOKED
                and enrollment.payment == EnrollmentPayment.CREDITS
                and seat_refund(
                    enrollment=enrollment, actor=actor, now=now, reason="Class cancelled"
                )
            )
            enrollment_email(
                kind=NotificationKind.CLASS_SESSION_CANCELLED,
                enrollment=enrollment,
                session=locked,
                dedupe="session-cancelled",
                was=was,
                reason=reason,
                credits_refunded=locked.credits * enrollment.spots if refunded else 0,
            )
        if seats:
            seats_release(session=locked, spots=seats, now=now)
        locked.status = SessionStatus.CANCELLED
        locked.cancel_reason = reason[:500]
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        reservations_release(class_session=locked)
        session_publish(locked, type=protocol.CLASS_SESSION_CANCELLED, waitlisted=0)
    return locked
