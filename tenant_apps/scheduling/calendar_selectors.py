"""Reads behind the owner app's calendar page: who gets a column, and what to shade.

Appointments themselves come from the owner API (GET /api/v1/appointments/); this module adds
the staff and services the page offers and, for the visible range, the time nobody may be booked:
hours outside each staff member's working time (weekly hours or that date's override) and their
time off, and the group classes the staff teach. Shading is computed for display only; the
services still decide what can be booked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.classes.models import ClassSession
from tenant_apps.classes.selectors import class_session_list
from tenant_apps.resources.models import Reservation, Resource
from tenant_apps.resources.selectors import reservation_list
from tenant_apps.scheduling.engine.intervals import Span, intersect, normalize, subtract
from tenant_apps.scheduling.models import DateOverride, TimeOff, WeeklyHours
from tenant_apps.scheduling.selectors import zone_or_utc
from tenants.access import MANAGING_ROLES
from tenants.models import Membership

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class TimeOffSpan:
    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class StaffShading:
    """One staff member's unbookable time in the range: outside working hours, and time off."""

    staff_id: int
    closed: tuple[tuple[datetime, datetime], ...]
    time_off: tuple[TimeOffSpan, ...]


@dataclass(frozen=True)
class CalendarShading:
    staff: tuple[StaffShading, ...]
    # When none of the given staff works: what a calendar without staff columns can shade.
    nobody_works: tuple[tuple[datetime, datetime], ...]


def calendar_staff_list(*, membership: Membership) -> QuerySet[StaffMember]:
    """The staff whose schedules this member sees on the calendar: owners and managers see
    everyone, a staff member only the profile linked to their own account (none if unlinked).
    Each comes with the ids of the services they perform (for the booking dialog)."""
    staff = StaffMember.objects.order_by("display_name", "pk").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("pk"))
    )
    if membership.role in MANAGING_ROLES:
        return staff
    return staff.filter(user_id=membership.user_id)


def calendar_staff_ids(*, membership: Membership) -> list[int]:
    """The ids of the staff whose schedules this member sees (calendar_staff_list's rule), in
    one query."""
    staff = StaffMember.objects.all()
    if membership.role not in MANAGING_ROLES:
        staff = staff.filter(user_id=membership.user_id)
    return list(staff.order_by("pk").values_list("pk", flat=True))


def calendar_class_session_list(
    *, start: datetime, end: datetime, instructor_ids: Sequence[int] | None
) -> list[ClassSession]:
    """Class sessions overlapping [start, end), scheduled and cancelled, taught by one of
    `instructor_ids` (None: by anyone), each with its class type, instructor and `waitlisted`
    (the waitlist's length), in one query whatever their number."""
    sessions = class_session_list(start=start, end=end)
    if instructor_ids is not None:
        sessions = sessions.filter(instructor_id__in=list(instructor_ids))
    return list(sessions)


def calendar_service_list() -> QuerySet[Service]:
    """Every service (inactive ones too: old bookings still show and filter by them)."""
    return Service.objects.order_by("name", "pk")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _wall_clock(day: date, minute: int, zone: ZoneInfo) -> int:
    """Epoch seconds of `minute` past local midnight on `day` (1440: the next midnight). A wall
    time that a DST change skips resolves to the offset before the change (zoneinfo's fold=0),
    which only nudges the edge of a shaded area by the skipped hour, at night."""
    if minute >= MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), zone)
    return _epoch(local)


def _working_spans(
    *,
    weekly: Iterable[tuple[int, int, int]],
    overrides: dict[date, list[tuple[int, int]]],
    zone: ZoneInfo,
    first: date,
    last: date,
) -> list[Span]:
    """Working time between local dates first and last (inclusive), as epoch spans: that
    date's override when there is one (no intervals: closed), else the weekday's hours."""
    by_weekday: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for weekday, start_minute, end_minute in weekly:
        by_weekday[weekday].append((start_minute, end_minute))
    spans: list[Span] = []
    day = first
    while day <= last:
        intervals = overrides[day] if day in overrides else by_weekday.get(day.weekday(), [])
        for start_minute, end_minute in intervals:
            spans.append((_wall_clock(day, start_minute, zone), _wall_clock(day, end_minute, zone)))
        day += timedelta(days=1)
    return normalize(spans)


def calendar_shading_get(
    *, staff: Sequence[StaffMember], studio_timezone: str, start: datetime, end: datetime
) -> CalendarShading:
    """Unbookable time of `staff` in [start, end), in three queries whatever the range or the
    number of staff (weekly hours, the range's date overrides, its time off)."""
    ids = [member.pk for member in staff]
    if not ids:
        return CalendarShading(staff=(), nobody_works=((start, end),))
    weekly: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for staff_id, weekday, start_minute, end_minute in WeeklyHours.objects.filter(
        staff_id__in=ids
    ).values_list("staff_id", "weekday", "start_minute", "end_minute"):
        weekly[staff_id].append((weekday, start_minute, end_minute))
    # Local dates differ from UTC dates by up to a day either side: load one day more each way.
    first_day = start.date() - timedelta(days=1)
    last_day = end.date() + timedelta(days=1)
    overrides: dict[int, dict[date, list[tuple[int, int]]]] = defaultdict(dict)
    for override_staff, day, from_minute, to_minute in DateOverride.objects.filter(
        staff_id__in=ids, date__range=(first_day, last_day)
    ).values_list("staff_id", "date", "start_minute", "end_minute"):
        intervals = overrides[override_staff].setdefault(day, [])
        if from_minute is not None and to_minute is not None:  # no minutes: closed that day
            intervals.append((from_minute, to_minute))
    time_off: dict[int, list[TimeOffSpan]] = defaultdict(list)
    for staff_id, off_start, off_end, reason in (
        TimeOff.objects.filter(staff_id__in=ids, start__lt=end, end__gt=start)
        .order_by("start", "pk")
        .values_list("staff_id", "start", "end", "reason")
    ):
        time_off[staff_id].append(TimeOffSpan(start=off_start, end=off_end, reason=reason))

    window: list[Span] = [(_epoch(start), _epoch(end))]
    shadings = []
    nobody: list[Span] = window
    for member in staff:
        zone = zone_or_utc(member.timezone or studio_timezone)
        working = _working_spans(
            weekly=weekly[member.pk],
            overrides=overrides[member.pk],
            zone=zone,
            first=start.astimezone(zone).date() - timedelta(days=1),
            last=end.astimezone(zone).date() + timedelta(days=1),
        )
        closed = subtract(window, working)
        nobody = intersect(nobody, closed)
        shadings.append(
            StaffShading(
                staff_id=member.pk,
                closed=tuple((_instant(a), _instant(b)) for a, b in closed),
                time_off=tuple(time_off[member.pk]),
            )
        )
    return CalendarShading(
        staff=tuple(shadings), nobody_works=tuple((_instant(a), _instant(b)) for a, b in nobody)
    )


def calendar_resource_list() -> QuerySet[Resource]:
    """The rooms and equipment pools the resources view shows as columns (active ones)."""
    return Resource.objects.filter(is_active=True).order_by("kind", "name", "pk")


def calendar_reservation_list(*, start: datetime, end: datetime) -> list[Reservation]:
    """Active reservations overlapping [start, end), with their holders' names, in one query."""
    return list(reservation_list(start=start, end=end))
