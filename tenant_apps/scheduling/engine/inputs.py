"""What the engine needs to know, as frozen values.

Wall-clock times are minutes since local midnight (0..1440; 1440 means "until midnight"), read in
the staff member's IANA zone. Instants are aware datetimes (any zone; the engine works in UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class WeeklyInterval:
    weekday: int  # Monday = 0, as datetime.weekday()
    start_minute: int
    end_minute: int  # exclusive; 1440 = midnight at the end of the day

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0..6")
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError("need 0 <= start_minute < end_minute <= 1440")


@dataclass(frozen=True)
class DateOverride:
    """Replaces the weekly hours on one local date. No intervals: closed that day."""

    day: date
    intervals: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        for start, end in self.intervals:
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise ValueError("need 0 <= start < end <= 1440")


@dataclass(frozen=True)
class Busy:
    """An existing booking (or any reservation) with the buffers that were in force for it."""

    start: datetime
    end: datetime
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)


@dataclass(frozen=True)
class StaffCalendar:
    staff_id: int
    timezone: str
    weekly: tuple[WeeklyInterval, ...] = ()
    overrides: tuple[DateOverride, ...] = ()
    time_off: tuple[tuple[datetime, datetime], ...] = ()
    busy: tuple[Busy, ...] = ()
    # Bookings already widened by their buffers, as epoch seconds [start, end). Selectors read
    # them straight from the database this way: thousands of datetimes cost more to convert
    # than the whole slot computation.
    busy_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ServiceRules:
    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(0)
    max_advance: timedelta = timedelta(days=365)

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.step <= timedelta(0) or self.step.total_seconds() % 60:
            raise ValueError("step must be a positive whole number of minutes")


@dataclass(frozen=True)
class ResourceLoad:
    """One resource the service needs: `need` of its `quantity` numbered units (1..quantity),
    and the spans its units are already held for, as (start epoch, end epoch, unit) with
    [start, end) the holder's time including its buffers. A booking holds whole units over its
    widened span, so a start needs `need` units that are each free over all of it; a unit held
    at 9:00-10:00 and another at 10:00-11:00 leave no unit free for 9:30-10:30, even though one
    unit is idle at every instant. A quantity of 0 (the resource is switched off) blocks all."""

    quantity: int
    need: int
    spans: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self) -> None:
        if self.quantity < 0 or self.need < 1:
            raise ValueError("need quantity >= 0 and need >= 1")


@dataclass(frozen=True)
class SlotRequest:
    """Bookable starts s with range_start <= s < range_end, as seen at `now`. `resources`: what
    the service needs of the studio's rooms and equipment (the same for every staff member)."""

    range_start: datetime
    range_end: datetime
    now: datetime
    staff: tuple[StaffCalendar, ...] = field(default=())
    resources: tuple[ResourceLoad, ...] = field(default=())
