"""The report aggregates against figures counted in plain Python over a generated month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from tenant_apps.reports.periods import Grouping, ReportRange, week_start
from tenant_apps.reports.selectors import ReportFilters, StatusFigures, report_get
from tests.tenant_apps.reports.generator import (
    DST_DAY,
    FIRST,
    LAST,
    Expected,
    expected_available_minutes,
    expected_booked_minutes,
    expected_by_day,
    expected_customers,
    generate,
)


def _figures(e: Expected) -> StatusFigures:
    return StatusFigures(
        bookings=e.bookings,
        pending=e.pending,
        confirmed=e.confirmed,
        completed=e.completed,
        cancelled=e.cancelled,
        no_shows=e.no_shows,
        revenue=e.revenue,
    )


def test_daily_report_equals_an_independent_count(in_alpha):
    # given
    data = generate()
    by_day = expected_by_day(data)

    # when
    report = report_get(
        report_range=ReportRange(FIRST, LAST, Grouping.DAY, "Europe/London"),
        currency="GBP",
        studio_timezone="Europe/London",
    )

    # then
    assert [row.period for row in report.periods] == [date(2025, 3, d) for d in range(1, 32)]
    assert {row.period: row.figures for row in report.periods} == {
        date(2025, 3, d): _figures(by_day.get(date(2025, 3, d), Expected())) for d in range(1, 32)
    }
    assert by_day[DST_DAY].bookings > 0
    total = Expected()
    for e in by_day.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(e, name))
    assert report.totals == _figures(total)
    assert report.other_currency_bookings == 1
    booked = expected_booked_minutes(data)
    assert [(s.name, s.booked_minutes, s.available_minutes) for s in report.staff] == [
        (m.display_name, booked.get(m.pk, 0), expected_available_minutes(i))
        for i, m in enumerate(data.staff)
    ]
    customers, new = expected_customers(data)
    assert (report.customers.customers, report.customers.new) == (customers, new)
    assert 0 < new < customers


def test_weekly_buckets_start_on_mondays_and_sum_the_days(in_alpha):
    data = generate(seed=11)
    by_week: dict[date, Decimal] = defaultdict(Decimal)
    counts: dict[date, int] = defaultdict(int)
    for day, e in expected_by_day(data).items():
        by_week[week_start(day)] += e.revenue
        counts[week_start(day)] += e.bookings

    report = report_get(
        report_range=ReportRange(FIRST, LAST, Grouping.WEEK, "Europe/London"),
        currency="GBP",
        studio_timezone="Europe/London",
        filters=ReportFilters(),
    )

    assert [r.period for r in report.periods] == [
        date(2025, 2, 24),
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
        date(2025, 3, 24),
        date(2025, 3, 31),
    ]
    assert [(r.figures.bookings, r.figures.revenue) for r in report.periods] == [
        (counts[r.period], by_week[r.period]) for r in report.periods
    ]
