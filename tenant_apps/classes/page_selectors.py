"""Reads the class pages need beyond the API's selectors: a week of sessions laid out by local
day (owner week view and public schedule), the filter choices, customer search for the roster
and the portal's list of a customer's classes. Each page is a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes import selectors
from tenant_apps.classes.models import (
    ClassSession,
    ClassType,
    Enrollment,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.customers.models import Customer

DAYS_IN_WEEK = 7
CUSTOMER_SEARCH_LIMIT = 8


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def local_range(*, first: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[first 00:00, first + days 00:00) on the studio's clock, as aware datetimes (a DST
    change inside the range is handled by zoneinfo: each midnight is taken on its own day)."""
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(first + timedelta(days=days), time.min, zone)
    return start, end


@dataclass(frozen=True)
class SessionRow:
    session: ClassSession
    start: datetime  # local
    end: datetime  # local
    waitlisted: int

    @property
    def cancelled(self) -> bool:
        return self.session.status == SessionStatus.CANCELLED

    @property
    def full(self) -> bool:
        return self.session.taken >= self.session.capacity

    @property
    def spots_left(self) -> int:
        return self.session.spots_left


@dataclass(frozen=True)
class Day:
    day: date
    sessions: tuple[SessionRow, ...]

    @property
    def label(self) -> str:
        return f"{self.day:%A} {self.day.day} {self.day:%b}"

    @property
    def short_label(self) -> str:
        return f"{self.day:%a} {self.day.day} {self.day:%b}"


def session_week_list(
    *,
    first: date,
    zone: ZoneInfo,
    class_type_id: int | None = None,
    instructor_id: int | None = None,
    level: str | None = None,
    taught_by_user_id: int | None = None,
    public: bool = False,
) -> list[Day]:
    """Seven days from `first` (studio's clock), each with its sessions in start order and
    their waitlist lengths (one query). `taught_by_user_id` keeps the sessions that user
    teaches (a staff member's own view); `public` shows what the public schedule may show."""
    start, end = local_range(first=first, days=DAYS_IN_WEEK, zone=zone)
    if public:
        sessions = selectors.public_class_session_list(
            start=start,
            end=end,
            class_type_id=class_type_id,
            instructor_id=instructor_id,
            level=level,
        )
    else:
        sessions = selectors.class_session_list(start=start, end=end).filter(
            start__gte=start, start__lt=end
        )
        if class_type_id is not None:
            sessions = sessions.filter(class_type_id=class_type_id)
        if instructor_id is not None:
            sessions = sessions.filter(instructor_id=instructor_id)
        if level:
            sessions = sessions.filter(class_type__level=level)
        if taught_by_user_id is not None:
            sessions = sessions.filter(instructor__user_id=taught_by_user_id)
    by_day: dict[date, list[SessionRow]] = {}
    for session in sessions:
        local_start = session.start.astimezone(zone)
        by_day.setdefault(local_start.date(), []).append(
            SessionRow(
                session=session,
                start=local_start,
                end=session.end.astimezone(zone),
                waitlisted=session.waitlisted,  # type: ignore[attr-defined]
            )
        )
    days = [first + timedelta(days=n) for n in range(DAYS_IN_WEEK)]
    return [Day(day=day, sessions=tuple(by_day.get(day, ()))) for day in days]


def class_type_choices(*, active_only: bool = False) -> list[tuple[int, str]]:
    types = ClassType.objects.order_by("name", "pk")
    if active_only:
        types = types.filter(is_active=True)
    return [(pk, name) for pk, name in types.values_list("pk", "name")]


def instructor_choices(*, teaching_only: bool = False) -> list[tuple[int, str]]:
    """Staff for the instructor filter (`teaching_only`: those with a scheduled session)."""
    staff = StaffMember.objects.order_by("display_name", "pk")
    if teaching_only:
        staff = staff.filter(class_sessions__status=SessionStatus.SCHEDULED).distinct()
    return [(pk, name) for pk, name in staff.values_list("pk", "display_name")]


def class_type_page(*, search: str = "") -> QuerySet[ClassType]:
    types = ClassType.objects.select_related("default_instructor", "room", "equipment")
    if search := search.strip():
        types = types.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return types.annotate(
        upcoming=Count("sessions", filter=Q(sessions__status=SessionStatus.SCHEDULED))
    ).order_by("-is_active", "name", "pk")


def customer_search_for_roster(*, query: str) -> list[Customer]:
    """A few customers whose name, email or phone contains `query` (nothing for < 2 chars)."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        Customer.objects.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
        ).order_by("full_name", "pk")[:CUSTOMER_SEARCH_LIMIT]
    )


def customer_past_enrollment_list(
    *, customer: Customer, now: datetime, limit: int = 20
) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(customer=customer, session__end__lte=now)
        .exclude(status=EnrollmentStatus.OFFER_EXPIRED)
        .select_related("session__class_type", "session__instructor")
        .order_by("-session__start", "-id")[:limit]
    )


@dataclass(frozen=True)
class WaitingRow:
    position: int
    enrollment: Enrollment


@dataclass(frozen=True)
class Roster:
    """A session's people: seats (booked, attended, no-show), open offers, the waitlist in
    order with positions, and cancellations (for the record)."""

    seated: tuple[Enrollment, ...]
    offered: tuple[Enrollment, ...]
    waitlisted: tuple[WaitingRow, ...]
    cancelled: tuple[Enrollment, ...]

    @property
    def active_count(self) -> int:
        return len(self.seated) + len(self.offered) + len(self.waitlisted)


SEATED = (EnrollmentStatus.BOOKED, EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW)


def session_roster(*, session: ClassSession) -> Roster:
    """The session's roster (selectors.session_roster: one query, positions by
    (waitlisted_at, id)) grouped for the roster page."""
    rows = selectors.session_roster(session=session)
    return Roster(
        seated=tuple(r.enrollment for r in rows if r.enrollment.status in SEATED),
        offered=tuple(
            r.enrollment for r in rows if r.enrollment.status == EnrollmentStatus.OFFERED
        ),
        waitlisted=tuple(
            WaitingRow(position=r.waitlist_position or 0, enrollment=r.enrollment)
            for r in rows
            if r.enrollment.status == EnrollmentStatus.WAITLISTED
        ),
        cancelled=tuple(
            r.enrollment
            for r in rows
            if r.enrollment.status in (EnrollmentStatus.CANCELLED, EnrollmentStatus.OFFER_EXPIRED)
        ),
    )
