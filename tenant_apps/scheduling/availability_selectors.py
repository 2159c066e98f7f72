"""Reads of a staff member's availability rules for the owner API: weekly hours, date
overrides (grouped by date) and time off. The slot engine's own loader is availability.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from django.db.models import QuerySet

from shared_apps.core.errors import NotFoundError
from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.availability_services import Interval
from tenant_apps.scheduling.models import DateOverride, TimeOff, WeeklyHours


@dataclass(frozen=True)
class DateOverrideDay:
    """A date's override: closed, or these intervals instead of the weekly hours."""

    date: date
    closed: bool
    intervals: tuple[Interval, ...]


def weekly_hours_list(*, staff: StaffMember) -> QuerySet[WeeklyHours]:
    return WeeklyHours.objects.filter(staff=staff).order_by("weekday", "start_minute", "id")


def date_override_day_list(
    *, staff: StaffMember, start: date | None = None, end: date | None = None
) -> list[DateOverrideDay]:
    """The staff member's overrides between start and end (inclusive), one entry per date."""
    rows = DateOverride.objects.filter(staff=staff).order_by("date", "start_minute")
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    days = []
    for day, group in groupby(rows, key=lambda row: row.date):
        intervals = tuple(
            Interval(row.start_minute, row.end_minute)
            for row in group
            if row.start_minute is not None and row.end_minute is not None
        )
        days.append(DateOverrideDay(date=day, closed=not intervals, intervals=intervals))
    return days


def date_override_day_get(*, staff: StaffMember, day: date) -> DateOverrideDay:
    days = date_override_day_list(staff=staff, start=day, end=day)
    if not days:
        raise NotFoundError(f"No override on {day.isoformat()} for this staff member.")
    return days[0]


def time_off_list(
    *,
    staff_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[TimeOff]:
    """Time off overlapping [start, end) (either bound optional), of one staff member or all."""
    rows = TimeOff.objects.all()
    if staff_id is not None:
        rows = rows.filter(staff_id=staff_id)
    if start is not None:
        rows = rows.filter(end__gt=start)
    if end is not None:
        rows = rows.filter(start__lt=end)
    return rows


def time_off_get(*, time_off_id: int) -> TimeOff:
    time_off = TimeOff.objects.filter(pk=time_off_id).first()
    if time_off is None:
        raise NotFoundError("No such time off in this studio.")
    return time_off
