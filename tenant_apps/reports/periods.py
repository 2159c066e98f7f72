"""Report ranges: which local days a report covers and how they are bucketed.

A range is a run of whole days in the studio's timezone. Its instants come from
scheduling.selectors.local_day_range, so a day that loses or gains an hour to DST is still one
day (23 or 25 hours long), and every bucket starts at a local midnight.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tenant_apps.scheduling.selectors import local_day_range, zone_or_utc

# A year, with room for a leap day: the longest range one report may cover.
MAX_RANGE_DAYS = 366


class Grouping(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        return {"day": "Day", "week": "Week", "month": "Month"}[self.value]


class Preset(enum.StrEnum):
    LAST_7 = "7d"
    LAST_30 = "30d"
    LAST_90 = "90d"
    THIS_MONTH = "month"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "7d": "Last 7 days",
            "30d": "Last 30 days",
            "90d": "Last 90 days",
            "month": "This month",
            "custom": "Custom",
        }[self.value]


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    first = month_start(day)
    return (first + timedelta(days=32)).replace(day=1)


def week_start(day: date) -> date:
    """The Monday of the day's ISO week (PostgreSQL's date_trunc('week') agrees)."""
    return day - timedelta(days=day.weekday())


def preset_days(preset: Preset, *, today: date) -> tuple[date, date]:
    """First and last day of a preset, counted back from `today` (the studio's today): the
    "last N days" include today, "this month" runs to the month's last day so booked future
    appointments show."""
    if preset == Preset.LAST_7:
        return today - timedelta(days=6), today
    if preset == Preset.LAST_30:
        return today - timedelta(days=29), today
    if preset == Preset.LAST_90:
        return today - timedelta(days=89), today
    if preset == Preset.THIS_MONTH:
        return month_start(today), next_month(today) - timedelta(days=1)
    raise ValueError("a custom range has no preset days")


def default_grouping(first: date, last: date) -> Grouping:
    """Days up to two months, weeks up to six months, then months: a readable chart width."""
    days = (last - first).days + 1
    if days <= 62:
        return Grouping.DAY
    if days <= 183:
        return Grouping.WEEK
    return Grouping.MONTH


@dataclass(frozen=True)
class ReportRange:
    """Whole local days first..last (inclusive) in `timezone`, bucketed by `grouping`."""

    first: date
    last: date
    grouping: Grouping
    timezone: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("the range ends before it starts")
        if self.days > MAX_RANGE_DAYS:
            raise ValueError(f"a range spans at most {MAX_RANGE_DAYS} days")

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_utc(self.timezone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: local midnight before `first` to the one after
        `last`."""
        return local_day_range(first=self.first, last=self.last, zone=self.zone)

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[1]

    def bucket_of(self, day: date) -> date:
        """The first day of the bucket holding `day` (a Monday for weeks, the 1st for months);
        the first bucket may start before `first`, and it then holds only the range's days."""
        if self.grouping == Grouping.WEEK:
            return week_start(day)
        if self.grouping == Grouping.MONTH:
            return month_start(day)
        return day

    def buckets(self) -> list[date]:
        """Every bucket of the range in order, empty ones included (charts show the gaps)."""
        found: list[date] = []
        current = self.bucket_of(self.first)
        while current <= self.last:
            found.append(current)
            if self.grouping == Grouping.WEEK:
                current += timedelta(days=7)
            elif self.grouping == Grouping.MONTH:
                current = next_month(current)
            else:
                current += timedelta(days=1)
        return found

    def bucket_label(self, bucket: date) -> str:
        if self.grouping == Grouping.MONTH:
            return bucket.strftime("%b %Y")
        if self.grouping == Grouping.WEEK:
            return f"w/c {bucket.day} {bucket:%b}"
        return f"{bucket:%a} {bucket.day} {bucket:%b}"

    def describe(self) -> str:
        """ "1 Mar 2025 to 31 Mar 2025" with an en dash (one date for a single day)."""
        first = f"{self.first.day} {self.first:%b %Y}"
        if self.first == self.last:
            return first
        return f"{first} – {self.last.day} {self.last:%b %Y}"
