"""A brute-force minute-grid oracle for the slot engine: the definition of a bookable start,
checked minute by minute with zoneinfo, sharing no code with the engine."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tenant_apps.scheduling.engine import ServiceRules, SlotRequest, StaffCalendar


def _minutes(moment: datetime) -> int:
    seconds = int(moment.timestamp())
    assert seconds % 60 == 0, "the oracle works on whole minutes"
    return seconds // 60


def oracle_starts(calendar: StaffCalendar, rules: ServiceRules, request: SlotRequest) -> list[int]:
    """Bookable starts as epoch seconds."""
    zone = ZoneInfo(calendar.timezone)
    weekly: dict[int, list[tuple[int, int]]] = {}
    for interval in calendar.weekly:
        weekly.setdefault(interval.weekday, []).append((interval.start_minute, interval.end_minute))
    overrides = {o.day: list(o.intervals) for o in calendar.overrides}
    duration = int(rules.duration.total_seconds()) // 60
    step = int(rules.step.total_seconds()) // 60
    now = _minutes(request.now)
    first, last = _minutes(request.range_start), _minutes(request.range_end)
    time_off = [(_minutes(a), _minutes(b)) for a, b in calendar.time_off]
    busy = [
        (
            _minutes(b.start) - int(b.buffer_before.total_seconds()) // 60,
            _minutes(b.end) + int(b.buffer_after.total_seconds()) // 60,
        )
        for b in calendar.busy
    ]
    before = int(rules.buffer_before.total_seconds()) // 60
    after = int(rules.buffer_after.total_seconds()) // 60

    def local(minute: int) -> datetime:
        return datetime.fromtimestamp(minute * 60, UTC).astimezone(zone)

    def working(minute: int) -> bool:
        wall = local(minute)
        of_day = wall.hour * 60 + wall.minute
        day_rules = (
            overrides[wall.date()] if wall.date() in overrides else weekly.get(wall.weekday(), [])
        )
        if not any(a <= of_day < b for a, b in day_rules):
            return False
        return not any(a <= minute < b for a, b in time_off)

    # prefix[i] = number of working minutes in [first, first + i)
    span = last - first + duration + 1
    prefix = [0]
    for i in range(span):
        prefix.append(prefix[-1] + (1 if working(first + i) else 0))

    result = []
    for s in range(first, last):
        wall = local(s)
        if (wall.hour * 60 + wall.minute) % step:
            continue
        if s < now + int(rules.min_notice.total_seconds()) // 60:
            continue
        if s > now + int(rules.max_advance.total_seconds()) // 60:
            continue
        i = s - first
        if prefix[i + duration] - prefix[i] != duration:
            continue
        lo, hi = s - before, s + duration + after
        if any(lo < b_end and hi > b_start for b_start, b_end in busy):
            continue
        if not all(
            load.quantity - len({u for a, b, u in load.spans if a < hi * 60 and b > lo * 60})
            >= load.need
            for load in request.resources
        ):
            continue  # some resource lacks `need` units free over the whole widened span
        result.append(s * 60)
    return result
