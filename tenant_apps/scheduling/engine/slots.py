"""Bookable start times.

A start s is bookable for a staff member when
  1. [s, s + duration) lies inside working time (weekly hours, or that date's override) and
     outside time off;
  2. [s - buffer_before, s + duration + buffer_after) overlaps no existing booking widened by the
     buffers that were in force for it (the same rule as the database's exclusion constraint);
  3. now + min_notice <= s <= now + max_advance;
  4. s lies on the step grid, counted in wall-clock minutes from local midnight (15 minutes: :00,
     :15, :30, :45 local, also in half-hour zones and after a DST change);
  5. for every resource the service needs (request.resources), at least `need` of its units are
     each free over the whole widened span [s - buffer_before, s + duration + buffer_after): a
     unit held over [a, b) is busy for the starts in the open range (a - duration - after,
     b + before), the same open-range rule as rule 2, and a sweep over those ranges of all units
     finds where more than quantity - need units are busy at once. Those are exactly the units
     resources_reserve would find held, so an offered time can be reserved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tenant_apps.scheduling.engine.inputs import (
    MINUTES_PER_DAY,
    ResourceLoad,
    ServiceRules,
    SlotRequest,
    StaffCalendar,
)
from tenant_apps.scheduling.engine.intervals import Span, intersect, normalize, subtract
from tenant_apps.scheduling.engine.zones import epoch, from_epoch, offset_pieces

DAY = 86400
# An open range that contains every start (a resource that can never serve the need).
_EVERYTHING: Span = (-(2**62), 2**62)
_EPOCH_DATE = date(1970, 1, 1)


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    staff_ids: tuple[int, ...]


def _wall_spans(calendar: StaffCalendar, first_day: date, last_day: date) -> list[Span]:
    """Working time as wall-clock seconds (local midnight of 1970-01-01 = 0), day by day."""
    weekly: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for interval in calendar.weekly:
        weekly[interval.weekday].append((interval.start_minute, interval.end_minute))
    overrides = {o.day: o.intervals for o in calendar.overrides}
    spans: list[Span] = []
    day = first_day
    while day <= last_day:
        rules = overrides[day] if day in overrides else weekly.get(day.weekday(), ())
        base = (day - _EPOCH_DATE).days * DAY
        for start_minute, end_minute in rules:
            spans.append((base + start_minute * 60, base + min(end_minute, MINUTES_PER_DAY) * 60))
        day += timedelta(days=1)
    return normalize(spans)


def _working_instants(
    calendar: StaffCalendar, pieces: list[tuple[int, int, int]], start: int, end: int
) -> list[Span]:
    first_offset = min(p[2] for p in pieces)
    last_offset = max(p[2] for p in pieces)
    first_day = from_epoch(start + first_offset).date() - timedelta(days=1)
    last_day = from_epoch(end + last_offset).date() + timedelta(days=1)
    wall = _wall_spans(calendar, first_day, last_day)
    instants: list[Span] = []
    for piece_start, piece_end, offset in pieces:
        for wall_start, wall_end in wall:
            lo = max(wall_start - offset, piece_start)
            hi = min(wall_end - offset, piece_end)
            if lo < hi:
                instants.append((lo, hi))
    return normalize(instants)


def _allowed_starts(free: list[Span], blocked: list[Span], duration: int) -> list[Span]:
    """Closed ranges [lo, hi] of starts s with [s, s+duration) inside a free span and s in no
    blocked open range (a, b)."""
    candidates = [(lo, hi - duration) for lo, hi in free if hi - lo >= duration]
    result: list[Span] = []
    j = 0
    for lo, hi in candidates:
        while j < len(blocked) and blocked[j][1] <= lo:
            j += 1
        k = j
        cursor = lo
        while k < len(blocked) and blocked[k][0] < hi and cursor <= hi:
            a, b = blocked[k]
            if a >= cursor:
                result.append((cursor, a))  # closed at a: s = a touches, never overlaps
            cursor = max(cursor, b)
            k += 1
        if cursor <= hi:
            result.append((cursor, hi))
    return result


def _next_on_grid(wall: int, step: int) -> int:
    """The first wall-clock second >= wall on the grid (the grid restarts at each midnight)."""
    day_base = wall - wall % DAY
    offset_in_day = -(-(wall - day_base) // step) * step
    return day_base + offset_in_day if offset_in_day < DAY else day_base + DAY


def _grid_points(spans: list[Span], pieces: list[tuple[int, int, int]], step: int) -> list[int]:
    """Starts on the wall-clock grid inside closed spans (all seconds since the epoch), in
    increasing order (spans and pieces are both sorted and disjoint)."""
    points: list[int] = []
    uniform = DAY % step == 0  # the usual case: every midnight is on the grid anyway
    for lo, hi in spans:
        for piece_start, piece_end, offset in pieces:
            a, b = max(lo, piece_start), min(hi, piece_end - 1)
            if a > b:
                continue
            wall = _next_on_grid(a + offset, step)
            if uniform:
                points.extend(range(wall - offset, b + 1, step))
                continue
            while wall - offset <= b:
                points.append(wall - offset)
                at_midnight_next = (wall % DAY) + step >= DAY
                wall = wall - wall % DAY + DAY if at_midnight_next else wall + step
    return points


def _busy_units_blocked(ranges_by_unit: list[list[Span]], threshold: int) -> list[Span]:
    """The open ranges of starts where more than `threshold` units are busy at once, each
    unit's open ranges already normalized (overlaps merged, touching ones kept apart).

    A sweep line over the range ends: between two consecutive coordinates the count of busy
    units is constant; at a coordinate x itself only the ranges strictly around x count (an
    open range does not contain its ends), so a block continues through x only when that count
    is still above the threshold (two units freed and taken exactly at x leave x bookable).
    Starts and ends are sorted apart as plain integers: sorting tuples costs several times
    more, and this runs over thousands of reservations."""
    starts = sorted(lo for ranges in ranges_by_unit for lo, _ in ranges)
    ends = sorted(hi for ranges in ranges_by_unit for _, hi in ranges)
    total = len(starts)
    blocked: list[Span] = []
    count = i = j = 0
    open_lo: int | None = None
    while j < total:
        x = starts[i] if i < total and starts[i] < ends[j] else ends[j]
        at_x = count
        while j < total and ends[j] == x:
            at_x -= 1
            j += 1
        count = at_x
        while i < total and starts[i] == x:
            count += 1
            i += 1
        if open_lo is not None and at_x <= threshold:
            blocked.append((open_lo, x))
            open_lo = None
        if open_lo is None and count > threshold:
            open_lo = x
    return blocked


def resource_blocked(rules: ServiceRules, resources: tuple[ResourceLoad, ...]) -> list[Span]:
    """Open ranges (a, b) of starts that rule 5 forbids, normalized (touching ones kept apart),
    as epoch seconds. The same for every staff member, so computed once per request."""
    duration = int(rules.duration.total_seconds())
    before = int(rules.buffer_before.total_seconds())
    after = int(rules.buffer_after.total_seconds())
    blocked: list[Span] = []
    for load in resources:
        threshold = load.quantity - load.need  # more busy units than this: not enough free
        if threshold < 0:
            return [_EVERYTHING]
        by_unit: dict[int, list[Span]] = defaultdict(list)
        for a, b, unit in load.spans:
            by_unit[unit].append((a - duration - after, b + before))
        if len(by_unit) <= threshold:
            continue  # even all the held units at once leave enough free
        blocked.extend(
            _busy_units_blocked(
                [normalize(r, merge_touching=False) for r in by_unit.values()], threshold
            )
        )
    return normalize(blocked, merge_touching=False)


def resources_fit(resources: tuple[ResourceLoad, ...], start: datetime, end: datetime) -> bool:
    """Whether every resource has `need` units free over the whole of [start, end) (a booking's
    span widened by its buffers): rule 5 for one booking, as the re-check before a write."""
    lo, hi = epoch(start), epoch(end)
    for load in resources:
        busy = {unit for a, b, unit in load.spans if a < hi and b > lo}
        if load.quantity - len(busy) < load.need:
            return False
    return True


def staff_slots(
    calendar: StaffCalendar,
    rules: ServiceRules,
    request: SlotRequest,
    *,
    resources_blocked: list[Span] | None = None,
) -> list[int]:
    """Bookable starts for one staff member, as sorted epoch seconds. `resources_blocked`:
    resource_blocked(rules, request.resources), when the caller computed it already."""
    duration = int(rules.duration.total_seconds())
    before = int(rules.buffer_before.total_seconds())
    after = int(rules.buffer_after.total_seconds())
    step = int(rules.step.total_seconds())
    now = epoch(request.now)
    start = max(epoch(request.range_start), now + int(rules.min_notice.total_seconds()))
    end = min(epoch(request.range_end), now + int(rules.max_advance.total_seconds()) + 1)
    if start >= end:
        return []
    horizon_end = end + duration  # an appointment may run past the range's end
    pieces = offset_pieces(calendar.timezone, start - DAY, horizon_end + DAY)
    working = _working_instants(calendar, pieces, start, horizon_end)
    time_off = normalize((epoch(a), epoch(b)) for a, b in calendar.time_off)
    free = subtract(working, time_off)
    # A busy booking [p0, p1) widened by its buffers blocks starts s in the open range
    # (p0 - duration - after, p1 + before): exactly the starts whose widened span overlaps it.
    widened = [
        (
            epoch(b.start) - int(b.buffer_before.total_seconds()),
            epoch(b.end) + int(b.buffer_after.total_seconds()),
        )
        for b in calendar.busy
    ]
    widened.extend(calendar.busy_spans)
    starts_blocked = [(b_start - duration - after, b_end + before) for b_start, b_end in widened]
    if resources_blocked is None:
        resources_blocked = resource_blocked(rules, request.resources)
    starts_blocked.extend(resources_blocked)
    blocked = normalize(
        starts_blocked,
        merge_touching=False,  # open ranges: a start exactly between two of them is bookable
    )
    allowed = _allowed_starts(free, blocked, duration)
    window = [(max(lo, start), min(hi, end - 1)) for lo, hi in allowed]
    window = [(lo, hi) for lo, hi in window if lo <= hi]
    return _grid_points(window, pieces, step)


def available_slots(rules: ServiceRules, request: SlotRequest) -> list[Slot]:
    """Bookable starts over every staff member in the request ("any staff" when several); each
    slot lists who is free, in the order the staff were given."""
    free_by_start: dict[int, list[int]] = defaultdict(list)
    blocked_by_resources = resource_blocked(rules, request.resources)
    for calendar in request.staff:
        for start in staff_slots(calendar, rules, request, resources_blocked=blocked_by_resources):
            free_by_start[start].append(calendar.staff_id)
    return [Slot(from_epoch(s), tuple(ids)) for s, ids in sorted(free_by_start.items())]


def within_working_time(calendar: StaffCalendar, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies entirely inside the staff member's working time (weekly hours
    or the date's override), ignoring time off and bookings."""
    lo, hi = epoch(start), epoch(end)
    pieces = offset_pieces(calendar.timezone, lo - DAY, hi + DAY)
    working = _working_instants(calendar, pieces, lo, hi)
    return any(a <= lo and hi <= b for a, b in working)


def working_seconds(calendar: StaffCalendar, start: datetime, end: datetime) -> int:
    """Seconds of [start, end) inside the staff member's working time (weekly hours or the
    date's override, DST included) and outside their time off: the "available" side of
    utilisation, read with exactly the rules bookings are checked against."""
    lo, hi = epoch(start), epoch(end)
    if lo >= hi:
        return 0
    pieces = offset_pieces(calendar.timezone, lo - DAY, hi + DAY)
    working = intersect(_working_instants(calendar, pieces, lo, hi), [(lo, hi)])
    time_off = normalize((epoch(a), epoch(b)) for a, b in calendar.time_off)
    return sum(b - a for a, b in subtract(working, time_off))


def on_grid(timezone: str, start: datetime, step: timedelta) -> bool:
    """Whether `start` falls on the step grid counted from local midnight."""
    moment = epoch(start)
    offset = offset_pieces(timezone, moment, moment + 1)[0][2]
    wall = moment + offset
    return (wall % DAY) % int(step.total_seconds()) == 0
