"""Hand-checked cases for rule 5: the rooms and equipment a service needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tenant_apps.scheduling.engine import (
    ResourceLoad,
    ServiceRules,
    SlotRequest,
    StaffCalendar,
    WeeklyInterval,
    available_slots,
    resources_fit,
)

HOUR = timedelta(hours=1)
DAY = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday
NINE_TO_ONE = StaffCalendar(1, "UTC", weekly=(WeeklyInterval(0, 9 * 60, 13 * 60),))


def _at(hour: int, minute: int = 0) -> int:
    return int((DAY + timedelta(hours=hour, minutes=minute)).timestamp())


def _hours(
    *loads: ResourceLoad, rules: ServiceRules | None = None, staff: int = 1
) -> list[tuple[str, tuple[int, ...]]]:
    calendars = tuple(
        StaffCalendar(n, "UTC", weekly=NINE_TO_ONE.weekly) for n in range(1, staff + 1)
    )
    request = SlotRequest(
        range_start=DAY,
        range_end=DAY + timedelta(days=1),
        now=DAY - timedelta(days=1),
        staff=calendars,
        resources=loads,
    )
    slots = available_slots(rules or ServiceRules(duration=HOUR, step=HOUR), request)
    return [(f"{slot.start:%H:%M}", slot.staff_ids) for slot in slots]


def test_a_full_pool_removes_the_time_for_everyone() -> None:
    room = ResourceLoad(quantity=1, need=1, spans=((_at(10), _at(11), 1),))

    assert _hours(room, staff=2) == [("09:00", (1, 2)), ("11:00", (1, 2)), ("12:00", (1, 2))]


def test_a_pool_with_units_left_keeps_the_time() -> None:
    reformers = ResourceLoad(
        quantity=3, need=1, spans=((_at(10), _at(11), 1), (_at(10), _at(11), 2))
    )

    assert [h for h, _ in _hours(reformers)] == ["09:00", "10:00", "11:00", "12:00"]


def test_a_need_of_two_wants_two_free_units() -> None:
    reformers = ResourceLoad(
        quantity=3, need=2, spans=((_at(10), _at(11), 1), (_at(10), _at(11), 2))
    )

    assert [h for h, _ in _hours(reformers)] == ["09:00", "11:00", "12:00"]


def test_buffers_widen_the_span_that_needs_the_units() -> None:
    room = ResourceLoad(quantity=1, need=1, spans=((_at(11), _at(12), 1),))
    rules = ServiceRules(duration=HOUR, step=HOUR, buffer_after=timedelta(minutes=15))

    # 10:00 would hold the room until 11:15.
    assert [h for h, _ in _hours(room, rules=rules)] == ["09:00", "12:00"]


def test_units_freed_and_taken_at_the_same_instant_leave_that_start_bookable() -> None:
    # Unit 1 is held until 10:00 and unit 2 from 11:00: 10:00-11:00 finds both free.
    pair = ResourceLoad(quantity=2, need=2, spans=((_at(9), _at(10), 1), (_at(11), _at(12), 2)))
    rules = ServiceRules(duration=HOUR, step=timedelta(minutes=30))

    assert [h for h, _ in _hours(pair, rules=rules)] == ["10:00", "12:00"]


def test_a_fragmented_pool_offers_no_unit_for_the_whole_span() -> None:
    # At every instant of 9:30-10:30 one of the two units is idle, but neither is idle for all
    # of it, and a booking holds one unit throughout.
    pair = ResourceLoad(quantity=2, need=1, spans=((_at(9), _at(10), 1), (_at(10), _at(11), 2)))
    rules = ServiceRules(duration=HOUR, step=timedelta(minutes=30))

    assert [h for h, _ in _hours(pair, rules=rules)] == [
        "09:00",
        "10:00",
        "10:30",
        "11:00",
        "11:30",
        "12:00",
    ]


def test_a_switched_off_resource_blocks_every_start() -> None:
    assert _hours(ResourceLoad(quantity=0, need=1)) == []


def test_resources_fit_checks_one_widened_span() -> None:
    room = ResourceLoad(quantity=1, need=1, spans=((_at(10), _at(11), 1),))

    assert resources_fit((room,), DAY + timedelta(hours=9), DAY + timedelta(hours=10))
    assert not resources_fit(
        (room,), DAY + timedelta(hours=9), DAY + timedelta(hours=10, minutes=1)
    )
    assert resources_fit((), DAY, DAY + HOUR)
