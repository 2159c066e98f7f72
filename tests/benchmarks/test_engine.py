"""The slot engine over 90 days: one staff member with 5,000 bookings, and "any staff" over 10.

Goal: p99 at most 10 ms for one staff member. Baseline in the same run: a fixed pure-Python loop
(the same work on every machine), so the figure can be read as a ratio on a noisy host.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from tenant_apps.scheduling.engine import (
    ServiceRules,
    SlotRequest,
    StaffCalendar,
    WeeklyInterval,
    available_slots,
)
from tests.benchmarks.conftest import report

START = datetime(2027, 1, 4, tzinfo=UTC)
DAYS = 90
WEEKLY = tuple(WeeklyInterval(day, 8 * 60, 20 * 60) for day in range(6))
RULES = ServiceRules(duration=timedelta(minutes=60), buffer_after=timedelta(minutes=10))


def _bookings(rng: random.Random, count: int) -> tuple[tuple[int, int], ...]:
    base = int(START.timestamp())
    spans = []
    for _ in range(count):
        start = base + rng.randrange(0, DAYS * 1440 // 15) * 15 * 60
        spans.append((start, start + 30 * 60 + 10 * 60))
    return tuple(spans)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _baseline_ms(runs: int = 30) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        sum(i * i for i in range(20000))
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def test_engine_over_90_days():
    rng = random.Random(7)
    request_one = SlotRequest(
        range_start=START,
        range_end=START + timedelta(days=DAYS),
        now=START - timedelta(days=1),
        staff=(StaffCalendar(1, "Europe/London", weekly=WEEKLY, busy_spans=_bookings(rng, 5000)),),
    )
    staff_ten = tuple(
        StaffCalendar(i, "Europe/London", weekly=WEEKLY, busy_spans=_bookings(rng, 500))
        for i in range(1, 11)
    )
    request_any = SlotRequest(
        range_start=START,
        range_end=START + timedelta(days=DAYS),
        now=START - timedelta(days=1),
        staff=staff_ten,
    )
    baseline = _baseline_ms()
    one, anyone = [], []
    for _ in range(120):
        started = time.perf_counter()
        slots_one = available_slots(RULES, request_one)
        one.append((time.perf_counter() - started) * 1000)
    for _ in range(100):
        started = time.perf_counter()
        slots_any = available_slots(RULES, request_any)
        anyone.append((time.perf_counter() - started) * 1000)
    p50, p99 = _percentiles(one)
    a50, a99 = _percentiles(anyone)
    report(
        f"engine 1 staff, 5000 bookings, 90 days: p50={p50:.2f} ms p99={p99:.2f} ms "
        f"({len(slots_one)} slots; goal p99 <= 10 ms; baseline loop {baseline:.2f} ms, "
        f"p99/baseline={p99 / baseline:.2f})"
    )
    report(
        f"engine any of 10 staff, 5000 bookings, 90 days: p50={a50:.2f} ms p99={a99:.2f} ms "
        f"({len(slots_any)} slots; p99/baseline={a99 / baseline:.2f})"
    )
    assert slots_one and slots_any
