"""Interval algebra on integer seconds since the epoch (fast, exact, zone-free).

Half-open intervals [start, end) are tuples of ints; lists are kept sorted and disjoint.
"""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def normalize(spans: Iterable[Span], *, merge_touching: bool = True) -> list[Span]:
    """Sort and merge overlapping (and, by default, touching) spans; drop empty ones."""
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and (start <= merged[-1][1] if merge_touching else start < merged[-1][1]):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """spans minus holes; both normalized."""
    result: list[Span] = []
    j = 0
    for start, end in spans:
        cursor = start
        while j < len(holes) and holes[j][1] <= cursor:
            j += 1
        k = j
        while k < len(holes) and holes[k][0] < end:
            hole_start, hole_end = holes[k]
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    """a ∩ b; both normalized."""
    result: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result
