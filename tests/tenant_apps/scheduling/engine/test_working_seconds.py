"""engine.working_seconds: the available time utilisation divides by, read with the rules that
bookings are checked against (DST, overrides, time off)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tenant_apps.scheduling.engine import StaffCalendar, WeeklyInterval, working_seconds
from tenant_apps.scheduling.engine.inputs import DateOverride

HOUR = 3600
# Every day 09:00-17:00, London time.
NINE_TO_FIVE = tuple(WeeklyInterval(weekday=d, start_minute=540, end_minute=1020) for d in range(7))


def test_a_whole_week_of_nine_to_five_across_the_spring_change_is_56_hours():
    calendar = StaffCalendar(staff_id=1, timezone="Europe/London", weekly=NINE_TO_FIVE)
    # Monday 24 to Monday 31 March 2025; the clocks went forward on Sunday 30 March.
    start = datetime(2025, 3, 24, tzinfo=UTC)
    assert working_seconds(calendar, start, start + timedelta(days=7)) == 56 * HOUR


def test_overrides_time_off_and_the_range_edges_are_taken_out():
    day = date(2025, 6, 2)  # a Monday (BST: 09:00 London is 08:00 UTC)
    calendar = StaffCalendar(
        staff_id=1,
        timezone="Europe/London",
        weekly=NINE_TO_FIVE,
        overrides=(DateOverride(day=date(2025, 6, 3)),),  # Tuesday closed
        time_off=((datetime(2025, 6, 4, 8, tzinfo=UTC), datetime(2025, 6, 4, 10, tzinfo=UTC)),),
    )
    start = datetime(2025, 6, 2, 12, tzinfo=UTC)  # Monday 13:00 London: 4 hours left that day
    end = datetime(2025, 6, 5, 0, tzinfo=UTC)  # through Wednesday
    # Monday 4 h + Tuesday closed + Wednesday 8 h minus 2 h off
    assert working_seconds(calendar, start, end) == (4 + 0 + 6) * HOUR
    assert working_seconds(calendar, end, start) == 0
    assert day.weekday() == 0
