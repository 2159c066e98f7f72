"""Writes of a staff member's availability: weekly hours, date overrides and time off.

Hours are wall-clock minutes in the staff member's zone (else the studio's), so a rule stays
"9:00 to 17:00" across DST changes; the slot engine turns them into instants. Every write that
replaces a set of rows locks the staff member's row first, as the booking services do, so two
editors (or an editor and a booking) never interleave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from realtime.payloads import time_off_change_publish
from shared_apps.core.errors import NotFoundError, ValidationFailedError
from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.models import DateOverride, TimeOff, WeeklyHours

INVALID = "Check the fields listed in errors."
MINUTES_PER_DAY = 24 * 60
MAX_WEEKLY_INTERVALS = 70
MAX_DAY_INTERVALS = 12
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Interval:
    """Minutes since midnight, wall-clock; end 1440 means until midnight."""

    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class WeeklyInterval:
    weekday: int  # Monday = 0
    start_minute: int
    end_minute: int


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _span(start: int, end: int) -> str:
    return f"{hhmm(start)}–{hhmm(end)}"


def _interval_problem(start: int, end: int) -> str | None:
    if not 0 <= start < MINUTES_PER_DAY or not 0 < end <= MINUTES_PER_DAY:
        return "Use times from 00:00 to 24:00."
    if start >= end:
        return "The end must be after the start."
    return None


def _overlap_problems(
    intervals: Sequence[tuple[Any, int, int]], *, describe: str
) -> dict[Any, str]:
    """{key: problem} for each interval that overlaps an earlier one (intervals that only
    touch, such as 09:00 to 12:00 and 12:00 to 17:00, are fine). `describe` names the day."""
    problems: dict[Any, str] = {}
    ordered = sorted(intervals, key=lambda item: (item[1], item[2]))
    previous: tuple[Any, int, int] | None = None
    for item in ordered:
        if previous is not None and item[1] < previous[2]:
            problems[item[0]] = f"Overlaps {_span(previous[1], previous[2])} on {describe}."
        if previous is None or item[2] > previous[2]:
            previous = item
    return problems


def _lock(staff: StaffMember) -> None:
    if StaffMember.objects.select_for_update().filter(pk=staff.pk).first() is None:
        raise NotFoundError("No such staff member in this studio.")  # deleted meanwhile


# --- weekly hours --------------------------------------------------------------------------


def weekly_hours_replace(
    *, staff: StaffMember, intervals: Sequence[WeeklyInterval]
) -> list[WeeklyHours]:
    """Replace the staff member's whole week at once (an empty list: never available by the
    week). Problems are keyed by the interval's position in the list ("2.start")."""
    problems: dict[str, list[str]] = {}
    if len(intervals) > MAX_WEEKLY_INTERVALS:
        raise ValidationFailedError(
            INVALID,
            errors={"non_field_errors": [f"Use at most {MAX_WEEKLY_INTERVALS} intervals."]},
        )
    by_day: dict[int, list[tuple[int, int, int]]] = {}
    for index, interval in enumerate(intervals):
        if not 0 <= interval.weekday <= 6:
            problems[f"{index}.weekday"] = ["Use 0 (Monday) to 6 (Sunday)."]
        elif problem := _interval_problem(interval.start_minute, interval.end_minute):
            problems[f"{index}.end"] = [problem]
        else:
            by_day.setdefault(interval.weekday, []).append(
                (index, interval.start_minute, interval.end_minute)
            )
    for weekday, day_intervals in by_day.items():
        overlaps = _overlap_problems(day_intervals, describe=WEEKDAYS[weekday])
        for index, problem in overlaps.items():
            problems[f"{index}.start"] = [problem]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    with transaction.atomic():
        _lock(staff)
        WeeklyHours.objects.filter(staff=staff).delete()
        WeeklyHours.objects.bulk_create(
            WeeklyHours(
                staff=staff,
                weekday=interval.weekday,
                start_minute=interval.start_minute,
                end_minute=interval.end_minute,
            )
            for interval in intervals
        )
    return list(WeeklyHours.objects.filter(staff=staff))


def weekly_hours_add(*, staff: StaffMember, interval: WeeklyInterval) -> WeeklyHours:
    """Add one interval to the week; it may not overlap the others on that weekday."""
    if not 0 <= interval.weekday <= 6:
        raise ValidationFailedError(INVALID, errors={"weekday": ["Use 0 (Monday) to 6 (Sunday)."]})
    if problem := _interval_problem(interval.start_minute, interval.end_minute):
        raise ValidationFailedError(INVALID, errors={"end": [problem]})
    with transaction.atomic():
        _lock(staff)
        existing = WeeklyHours.objects.filter(staff=staff, weekday=interval.weekday)
        day: list[tuple[int | None, int, int]] = [
            (row.pk, row.start_minute, row.end_minute) for row in existing
        ]
        day.append((None, interval.start_minute, interval.end_minute))
        overlaps = _overlap_problems(day, describe=WEEKDAYS[interval.weekday])
        if overlaps:
            # Report the clash from the new interval's side.
            other = next(
                (s, e)
                for _, s, e in day[:-1]
                if s < interval.end_minute and interval.start_minute < e
            )
            raise ValidationFailedError(
                INVALID,
                errors={"start": [f"Overlaps {_span(*other)} on {WEEKDAYS[interval.weekday]}."]},
            )
        return WeeklyHours.objects.create(
            staff=staff,
            weekday=interval.weekday,
            start_minute=interval.start_minute,
            end_minute=interval.end_minute,
        )


def weekly_hours_delete(*, staff: StaffMember, row_id: int) -> None:
    deleted, _ = WeeklyHours.objects.filter(staff=staff, pk=row_id).delete()
    if not deleted:
        raise NotFoundError("No such interval in this staff member's week.")


# --- date overrides ------------------------------------------------------------------------


def date_override_set(
    *, staff: StaffMember, day: date, closed: bool, intervals: Sequence[Interval]
) -> tuple[list[DateOverride], bool]:
    """Other hours on `day` (or closed), replacing whatever that date had. Returns the rows and
    whether the date had no override before."""
    problems: dict[str, list[str]] = {}
    if closed and intervals:
        problems["intervals"] = ["A closed day has no hours: leave intervals out, or closed false."]
    elif not closed and not intervals:
        problems["intervals"] = ["Give the hours for this date, or set closed to true."]
    elif len(intervals) > MAX_DAY_INTERVALS:
        problems["intervals"] = [f"Use at most {MAX_DAY_INTERVALS} intervals."]
    else:
        checked = []
        for index, interval in enumerate(intervals):
            if problem := _interval_problem(interval.start_minute, interval.end_minute):
                problems[f"intervals.{index}.end"] = [problem]
            else:
                checked.append((index, interval.start_minute, interval.end_minute))
        for index, problem in _overlap_problems(checked, describe=day.isoformat()).items():
            problems[f"intervals.{index}.start"] = [problem]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    with transaction.atomic():
        _lock(staff)
        deleted, _ = DateOverride.objects.filter(staff=staff, date=day).delete()
        if closed:
            rows = [DateOverride(staff=staff, date=day)]
        else:
            rows = [
                DateOverride(
                    staff=staff,
                    date=day,
                    start_minute=interval.start_minute,
                    end_minute=interval.end_minute,
                )
                for interval in sorted(intervals, key=lambda i: i.start_minute)
            ]
        DateOverride.objects.bulk_create(rows)
    return rows, deleted == 0


def date_override_delete(*, staff: StaffMember, day: date) -> None:
    """Back to the weekly hours on `day`."""
    deleted, _ = DateOverride.objects.filter(staff=staff, date=day).delete()
    if not deleted:
        raise NotFoundError(f"No override on {day.isoformat()} for this staff member.")


# --- time off ------------------------------------------------------------------------------

TIME_OFF_FIELDS = ("start", "end", "reason")


def _time_off_write(time_off: TimeOff, data: Mapping[str, Any], *, created: bool) -> TimeOff:
    previous_staff_id = None if created else time_off.staff_id
    values = dict(data)
    if isinstance(values.get("reason"), str):
        values["reason"] = values["reason"].strip()
    changed = [
        name
        for name in TIME_OFF_FIELDS
        if name in values and getattr(time_off, name, None) != values[name]
    ]
    for name in changed:
        setattr(time_off, name, values[name])
    problems: dict[str, list[str]] = {}
    if "staff" in values:
        staff = StaffMember.objects.filter(pk=values["staff"]).first()
        if staff is None:
            problems["staff"] = [f"No staff member with id {values['staff']} in this studio."]
        elif created or staff.pk != time_off.staff_id:
            time_off.staff = staff
            changed.append("staff")
    for name in ("start", "end"):
        if getattr(time_off, name) is None:
            problems[name] = ["This field is required."]
    if not problems and time_off.start >= time_off.end:
        problems["end"] = ["The end must be after the start."]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    if created:
        time_off.save()
    elif changed:
        time_off.save(update_fields=changed)
    if created or changed:
        time_off_change_publish(
            time_off=time_off,
            change="created" if created else "updated",
            previous_staff_id=previous_staff_id,
        )
    return time_off


def time_off_create(*, data: Mapping[str, Any]) -> TimeOff:
    """Time off for `staff` (an id) from `start` to `end` (aware datetimes; any length) with an
    optional reason. Bookings already in that time stay: the owner decides what to do."""
    if "staff" not in data:
        raise ValidationFailedError(INVALID, errors={"staff": ["This field is required."]})
    return _time_off_write(TimeOff(), data, created=True)


def time_off_update(*, time_off: TimeOff, data: Mapping[str, Any]) -> TimeOff:
    """Change the given fields (`staff` is an id) and check the result."""
    return _time_off_write(time_off, data, created=False)


def time_off_delete(*, time_off: TimeOff) -> None:
    pk = time_off.pk
    time_off.delete()
    time_off_change_publish(time_off=time_off, change="deleted", pk=pk)
