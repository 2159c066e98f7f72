"""Property-based tests: the engine agrees with the brute-force oracle, including DST days in
Europe/London and America/New_York, a half-hour zone (Asia/Kolkata), a 30-minute DST shift
(Australia/Lord_Howe), rules ending at midnight, notice crossing midnight and buffers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenant_apps.scheduling.engine import (
    Busy,
    DateOverride,
    ResourceLoad,
    ServiceRules,
    SlotRequest,
    StaffCalendar,
    WeeklyInterval,
    available_slots,
    staff_slots,
)
from tests.tenant_apps.scheduling.engine.oracle import oracle_starts

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"]
# Days around DST changes (spring forward and fall back) plus ordinary days.
ANCHOR_DAYS = [
    date(2026, 3, 8),
    date(2026, 11, 1),  # New York
    date(2026, 3, 29),
    date(2026, 10, 25),  # London
    date(2026, 4, 5),
    date(2026, 10, 4),  # Lord Howe
    date(2026, 6, 15),
    date(2026, 12, 31),
]


@st.composite
def weekly_intervals(draw: st.DrawFn) -> tuple[WeeklyInterval, ...]:
    intervals = []
    for weekday in range(7):
        for _ in range(draw(st.sampled_from([0, 1, 1, 2, 2]))):
            start = draw(st.integers(0, 95)) * 15
            end = draw(st.sampled_from([start + 15 * draw(st.integers(1, 40)), 1440]))
            intervals.append(WeeklyInterval(weekday, start, min(end, 1440)))
    return tuple(intervals)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[StaffCalendar, ServiceRules, SlotRequest]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(ANCHOR_DAYS))
    range_start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(-36, 36)) * 60 + draw(st.sampled_from([0, 5, 30]))
    )
    range_end = range_start + timedelta(minutes=draw(st.integers(60, 3 * 1440)))
    now = range_start + timedelta(minutes=draw(st.integers(-2 * 1440, 600)))

    def instant() -> datetime:
        return range_start + timedelta(minutes=draw(st.integers(-600, 3 * 1440)) // 5 * 5)

    overrides = []
    for _ in range(draw(st.integers(0, 2))):
        override_day = day + timedelta(days=draw(st.integers(-1, 3)))
        spans = tuple(
            (s, min(s + draw(st.integers(15, 600)), 1440))
            for s in sorted({draw(st.integers(0, 95)) * 15 for _ in range(draw(st.integers(0, 2)))})
        )
        overrides.append(DateOverride(override_day, spans))
    overrides_by_day = {o.day: o for o in overrides}  # one override per date
    time_off = []
    for _ in range(draw(st.integers(0, 2))):
        start = instant()
        time_off.append((start, start + timedelta(minutes=draw(st.integers(5, 1440)))))
    busy = []
    for _ in range(draw(st.integers(0, 8))):
        start = instant()
        busy.append(
            Busy(
                start,
                start + timedelta(minutes=draw(st.integers(1, 24)) * 5),
                timedelta(minutes=draw(st.sampled_from([0, 0, 5, 15]))),
                timedelta(minutes=draw(st.sampled_from([0, 0, 10, 30]))),
            )
        )
    calendar = StaffCalendar(
        staff_id=1,
        timezone=zone,
        weekly=draw(weekly_intervals()),
        overrides=tuple(overrides_by_day.values()),
        time_off=tuple(time_off),
        busy=tuple(busy),
    )
    rules = ServiceRules(
        duration=timedelta(minutes=draw(st.integers(1, 36)) * 5),
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 5, 15, 30]))),
        step=timedelta(minutes=draw(st.sampled_from([5, 10, 15, 20, 25, 30, 45, 60]))),
        min_notice=timedelta(minutes=draw(st.sampled_from([0, 0, 30, 120, 600, 1500]))),
        max_advance=timedelta(
            minutes=draw(st.one_of(st.just(30 * 1440), st.integers(0, 5 * 1440)))
        ),
    )
    request = SlotRequest(
        range_start=range_start,
        range_end=range_end,
        now=now,
        staff=(calendar,),
        resources=_resource_loads(draw, instant),
    )
    return calendar, rules, request


def _resource_loads(draw: st.DrawFn, instant: Callable[[], datetime]) -> tuple[ResourceLoad, ...]:
    """None, or up to two pools of 0-4 units with spans on random units (units touch, overlap
    and fragment: a unit free at every instant but none free over the whole span)."""
    loads = []
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        quantity = draw(st.integers(0, 4))
        spans = []
        for _ in range(draw(st.integers(0, 10))):
            start = int(instant().timestamp())
            length = draw(st.integers(1, 36)) * 300
            unit = draw(st.integers(1, max(quantity, 1)))
            spans.append((start, start + length, unit))
        loads.append(
            ResourceLoad(quantity=quantity, need=draw(st.integers(1, 3)), spans=tuple(spans))
        )
    return tuple(loads)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_engine_matches_the_minute_grid_oracle(scenario) -> None:
    calendar, rules, request = scenario
    assert staff_slots(calendar, rules, request) == oracle_starts(calendar, rules, request)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_resources_block_the_same_starts_for_every_staff_member(scenario) -> None:
    calendar, rules, request = scenario
    twin = StaffCalendar(
        staff_id=2,
        timezone=calendar.timezone,
        weekly=calendar.weekly,
        overrides=calendar.overrides,
        time_off=calendar.time_off,
        busy=calendar.busy,
    )
    both = SlotRequest(
        range_start=request.range_start,
        range_end=request.range_end,
        now=request.now,
        staff=(calendar, twin),
        resources=request.resources,
    )

    slots = available_slots(rules, both)

    expected = oracle_starts(calendar, rules, request)
    assert [int(slot.start.timestamp()) for slot in slots] == expected
    assert {slot.staff_ids for slot in slots} <= {(1, 2)}
