"""Wall-clock time in an IANA zone, as piecewise-constant UTC offsets.

Between two offset transitions, wall time = UTC + offset, so "the instants whose wall time lies in
[W0, W1)" is simply [W0 - offset, W1 - offset) clipped to that piece. That one identity handles
DST in both directions: on a spring-forward day the missing wall hour maps to no instant; on a
fall-back day the repeated wall hour maps to two pieces, and both are real, bookable time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# Transitions are months apart in every zone; probing every 6 hours finds each one.
_PROBE = 6 * 3600


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def utc_offset(zone: ZoneInfo, epoch: int) -> int:
    offset = datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def _transition(zone: ZoneInfo, lo: int, hi: int) -> int:
    """The first second in (lo, hi] with the offset at hi (offsets differ at lo and hi)."""
    target = utc_offset(zone, hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if utc_offset(zone, mid) == target:
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=1024)
def offset_pieces(zone_name: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """[(piece_start, piece_end, offset_seconds)] covering [start, end). Cached: every staff
    member of a request shares the zone and the range. Callers must not mutate the result."""
    zone = _zone(zone_name)
    pieces: list[tuple[int, int, int]] = []
    piece_start = start
    offset = utc_offset(zone, start)
    probe = start
    while probe < end:
        nxt = min(probe + _PROBE, end)
        nxt_offset = utc_offset(zone, nxt)
        if nxt_offset != offset:
            at = _transition(zone, probe, nxt)
            pieces.append((piece_start, at, offset))
            piece_start, offset = at, nxt_offset
        probe = nxt
    pieces.append((piece_start, end, offset))
    return pieces


def epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
