"""Hand-checked cases for the slot engine (the oracle test covers the general rule)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tenant_apps.scheduling.engine import (
    Busy,
    ServiceRules,
    SlotRequest,
    StaffCalendar,
    WeeklyInterval,
    available_slots,
)

HOUR = timedelta(hours=1)


def _every_day(start_minute: int, end_minute: int) -> tuple[WeeklyInterval, ...]:
    return tuple(WeeklyInterval(d, start_minute, end_minute) for d in range(7))


def _starts(
    calendar: StaffCalendar,
    rules: ServiceRules,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> list[datetime]:
    request = SlotRequest(
        range_start=start, range_end=end, now=now or start - 30 * HOUR, staff=(calendar,)
    )
    return [slot.start for slot in available_slots(rules, request)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_rule_ending_at_midnight_offers_the_last_hour() -> None:
    calendar = StaffCalendar(1, "UTC", weekly=(WeeklyInterval(0, 22 * 60, 1440),))
    rules = ServiceRules(duration=HOUR, step=timedelta(minutes=30))
    # 2026-11-23 is a Monday.
    assert _starts(calendar, rules, utc(2026, 11, 23), utc(2026, 11, 24)) == [
        utc(2026, 11, 23, 22),
        utc(2026, 11, 23, 22, 30),
        utc(2026, 11, 23, 23),
    ]


def test_fall_back_day_in_new_york_has_five_real_hours_between_midnight_and_four() -> None:
    calendar = StaffCalendar(1, "America/New_York", weekly=_every_day(0, 4 * 60))
    rules = ServiceRules(duration=HOUR, step=HOUR)
    starts = _starts(calendar, rules, utc(2026, 11, 1, 0), utc(2026, 11, 1, 12))
    assert starts == [utc(2026, 11, 1, h) for h in (4, 5, 6, 7, 8)]
    local = [s.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M%z") for s in starts]
    assert local == ["00:00-0400", "01:00-0400", "01:00-0500", "02:00-0500", "03:00-0500"]


def test_spring_forward_day_in_london_skips_the_missing_hour() -> None:
    calendar = StaffCalendar(1, "Europe/London", weekly=_every_day(0, 4 * 60))
    rules = ServiceRules(duration=HOUR, step=HOUR)
    starts = _starts(calendar, rules, utc(2026, 3, 28, 23), utc(2026, 3, 29, 12))
    assert starts == [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)]


def test_half_hour_zone_keeps_the_local_quarter_hour_grid() -> None:
    calendar = StaffCalendar(1, "Asia/Kolkata", weekly=_every_day(9 * 60, 10 * 60))
    rules = ServiceRules(duration=timedelta(minutes=30), step=timedelta(minutes=15))
    starts = _starts(calendar, rules, utc(2026, 6, 15, 0), utc(2026, 6, 15, 12))
    assert starts == [utc(2026, 6, 15, 3, 30), utc(2026, 6, 15, 3, 45), utc(2026, 6, 15, 4)]


def test_minimum_notice_crossing_midnight() -> None:
    calendar = StaffCalendar(1, "UTC", weekly=_every_day(8 * 60, 12 * 60))
    rules = ServiceRules(duration=HOUR, step=HOUR, min_notice=timedelta(hours=10))
    now = utc(2026, 11, 23, 23)
    starts = _starts(calendar, rules, utc(2026, 11, 23), utc(2026, 11, 25), now=now)
    assert starts == [utc(2026, 11, 24, 9), utc(2026, 11, 24, 10), utc(2026, 11, 24, 11)]


def test_back_to_back_bookings_respect_both_buffers() -> None:
    busy = Busy(utc(2026, 11, 24, 10), utc(2026, 11, 24, 11), buffer_after=timedelta(minutes=15))
    calendar = StaffCalendar(1, "UTC", weekly=_every_day(8 * 60, 13 * 60), busy=(busy,))
    rules = ServiceRules(
        duration=HOUR, step=timedelta(minutes=15), buffer_after=timedelta(minutes=15)
    )
    starts = _starts(calendar, rules, utc(2026, 11, 24), utc(2026, 11, 25))
    # Before: the new booking plus its 15-minute buffer must end by 10:00.
    # After: it may start once the existing booking's 15-minute buffer is over (11:15).
    assert [s.strftime("%H:%M") for s in starts] == [
        "08:00",
        "08:15",
        "08:30",
        "08:45",
        "11:15",
        "11:30",
        "11:45",
        "12:00",
    ]


def test_any_staff_lists_who_is_free_at_each_start() -> None:
    ana = StaffCalendar(1, "UTC", weekly=_every_day(9 * 60, 11 * 60))
    ben = StaffCalendar(
        2,
        "UTC",
        weekly=_every_day(10 * 60, 12 * 60),
        busy=(Busy(utc(2026, 11, 24, 10), utc(2026, 11, 24, 11)),),
    )
    rules = ServiceRules(duration=HOUR, step=HOUR)
    request = SlotRequest(
        range_start=utc(2026, 11, 24),
        range_end=utc(2026, 11, 25),
        now=utc(2026, 11, 1),
        staff=(ana, ben),
    )
    slots = available_slots(rules, request)
    assert [(s.start.hour, s.staff_ids) for s in slots] == [(9, (1,)), (10, (1,)), (11, (2,))]


def test_time_off_removes_overlapping_starts() -> None:
    calendar = StaffCalendar(
        1,
        "UTC",
        weekly=_every_day(9 * 60, 17 * 60),
        time_off=((utc(2026, 11, 24, 12), utc(2026, 11, 24, 14)),),
    )
    rules = ServiceRules(duration=HOUR, step=HOUR)
    starts = _starts(calendar, rules, utc(2026, 11, 24), utc(2026, 11, 25))
    assert [s.hour for s in starts] == [9, 10, 11, 14, 15, 16]
