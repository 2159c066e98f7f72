"""The reports page through the real stack: figures, range validation, permissions, queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenant_apps.reports.periods import Grouping
from tenant_apps.reports.selectors import StatusFigures
from tenants.models import Role
from tests.factories.catalog import CustomerFactory, ServiceFactory, StaffMemberFactory
from tests.tenant_apps.reports.conftest import ALPHA, book
from tests.tenant_apps.reports.generator import (
    DST_DAY,
    ZONE,
    Expected,
    expected_available_minutes,
    expected_booked_minutes,
    expected_by_day,
    expected_customers,
    generate,
    in_range,
)

MARCH = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}


def _figures(e: Expected) -> StatusFigures:
    return StatusFigures(**vars(e))


def test_report_figures_equal_an_independent_count(web, alpha_owner, in_alpha):
    # given a generated month (DST change on the 30th) with history before and after it
    data = generate(seed=3)
    by_day = expected_by_day(data)
    web.force_login(alpha_owner)

    # when
    response = web.get("/app/reports/", {**MARCH, "group": "day"}, HTTP_HOST=ALPHA)

    # then
    assert response.status_code == 200
    report = response.context["report"]
    assert report.range.grouping == Grouping.DAY
    expected_days = {
        date(2025, 3, d): _figures(by_day.get(date(2025, 3, d), Expected())) for d in range(1, 32)
    }
    assert {row.period: row.figures for row in report.periods} == expected_days
    assert report.periods[DST_DAY.day - 1].figures.bookings == by_day[DST_DAY].bookings > 0
    totals = StatusFigures()
    for figures in expected_days.values():
        totals += figures
    assert report.totals == totals
    booked = expected_booked_minutes(data)
    assert [(s.staff_id, s.booked_minutes, s.available_minutes) for s in report.staff] == [
        (m.pk, booked.get(m.pk, 0), expected_available_minutes(i)) for i, m in enumerate(data.staff)
    ]
    customers, new = expected_customers(data)
    assert (report.customers.customers, report.customers.new) == (customers, new)
    # the page prints them, money in the studio's currency
    content = response.content.decode()
    assert f'<span class="stat-value">{totals.bookings}</span>' in content
    assert f'<span class="stat-value">£{totals.revenue:,.2f}</span>' in content
    assert "1 booking priced in another currency is counted but left out" in content


def test_top_services_rank_by_bookings_with_revenue(web, alpha_owner, in_alpha):
    data = generate(seed=5)
    web.force_login(alpha_owner)
    expected: dict[str, list] = {s.name: [0, 0] for s in data.services}
    for a in data.appointments:
        if a.status == "rejected" or not in_range(a):
            continue
        expected[a.service.name][0] += 1
        if a.status in ("confirmed", "completed") and a.currency == "GBP":
            expected[a.service.name][1] += a.price

    report = web.get("/app/reports/", MARCH, HTTP_HOST=ALPHA).context["report"]

    ranked = sorted(expected.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    assert [(r.name, r.bookings, r.revenue) for r in report.services] == [
        (name, count, revenue) for name, (count, revenue) in ranked
    ]


@pytest.mark.parametrize(
    ("_case", "params", "field", "message"),
    [
        (
            "end before start",
            {"preset": "custom", "start": "2025-03-10", "end": "2025-03-09"},
            "end",
            "The last day must be on or after the first day.",
        ),
        (
            "longer than 366 days",
            {"preset": "custom", "start": "2024-01-01", "end": "2025-01-01"},
            "end",
            "A report covers at most 366 days.",
        ),
        (
            "custom without a start",
            {"preset": "custom", "end": "2025-03-09"},
            "start",
            "Choose the first day of the range.",
        ),
        (
            "custom without an end",
            {"preset": "custom", "start": "2025-03-09"},
            "end",
            "Choose the last day of the range.",
        ),
        (
            "impossible date",
            {"preset": "custom", "start": "2025-02-30", "end": "2025-03-09"},
            "start",
            "Enter a valid date.",
        ),
        (
            "unknown preset",
            {"preset": "forever"},
            "preset",
            "Select a valid choice. forever is not one of the available choices.",
        ),
        (
            "unknown grouping",
            {"group": "hour"},
            "group",
            "Select a valid choice. hour is not one of the available choices.",
        ),
        (
            "unknown staff member",
            {"staff": "999999"},
            "staff",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_invalid_range_shows_the_error_beside_the_field(
    web, alpha_owner, in_alpha, _case, params, field, message
):
    web.force_login(alpha_owner)

    response = web.get("/app/reports/", params, HTTP_HOST=ALPHA)

    assert response.status_code == 400
    assert response.context["report"] is None
    content = response.content.decode()
    assert f'<div class="field-error" id="id_{field}_error"><p>{message}</p></div>' in content
    assert "Please correct the range below." in content
    assert 'id="report-chart-data"' not in content


def test_a_range_of_exactly_366_days_is_accepted(web, alpha_owner, in_alpha):
    web.force_login(alpha_owner)

    response = web.get(
        "/app/reports/",
        {"preset": "custom", "start": "2024-01-01", "end": "2024-12-31"},
        HTTP_HOST=ALPHA,
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert report.range.days == 366
    assert report.range.grouping == Grouping.MONTH
    assert len(report.periods) == 12


@pytest.mark.parametrize(
    ("preset", "days_back", "grouping"),
    [("7d", 6, Grouping.DAY), ("30d", 29, Grouping.DAY), ("90d", 89, Grouping.WEEK)],
)
def test_presets_count_back_from_the_studios_today(
    web, alpha, alpha_owner, in_alpha, preset, days_back, grouping
):
    web.force_login(alpha_owner)
    today = timezone.now().astimezone(ZONE).date()

    report = web.get("/app/reports/", {"preset": preset}, HTTP_HOST=ALPHA).context["report"]

    assert (report.range.first, report.range.last) == (today - timedelta(days=days_back), today)
    assert report.range.grouping == grouping


def test_this_month_runs_to_the_months_last_day(web, alpha, alpha_owner, in_alpha):
    web.force_login(alpha_owner)
    today = timezone.now().astimezone(ZONE).date()
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)

    report = web.get(
        "/app/reports/", {"preset": "month", "group": "week"}, HTTP_HOST=ALPHA
    ).context["report"]

    assert (report.range.first, report.range.last) == (
        today.replace(day=1),
        following - timedelta(days=1),
    )
    assert report.range.grouping == Grouping.WEEK


def test_staff_filter_narrows_every_figure(web, alpha_owner, in_alpha):
    data = generate(seed=9)
    chosen = data.staff[1]
    web.force_login(alpha_owner)

    report = web.get("/app/reports/", {**MARCH, "staff": str(chosen.pk)}, HTTP_HOST=ALPHA).context[
        "report"
    ]

    mine = [
        a
        for a in data.appointments
        if a.staff.pk == chosen.pk and a.status != "rejected" and in_range(a)
    ]
    assert report.totals.bookings == len(mine)
    assert [s.staff_id for s in report.staff] == [chosen.pk]
    assert report.staff[0].booked_minutes == expected_booked_minutes(data)[chosen.pk]
    assert report.staff[0].available_minutes == expected_available_minutes(1)


def _query_count(web) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = web.get("/app/reports/", MARCH, HTTP_HOST=ALPHA)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(web, alpha_owner, in_alpha):
    web.force_login(alpha_owner)
    staff = StaffMemberFactory()
    service = ServiceFactory(performers=[staff])
    book(
        staff=staff,
        service=service,
        customer=CustomerFactory(),
        start=datetime.combine(date(2025, 3, 3), time(10), ZONE),
        status="completed",
    )
    _query_count(web)  # the first request of a session warms the host and session caches
    small = _query_count(web)

    generate(seed=13, per_slot_chance=0.9)  # ~2,000 more appointments, 3 more staff
    large = _query_count(web)

    assert small == large


@pytest.mark.parametrize(
    ("who", "expected"),
    [("owner", 200), ("manager", 200), ("staff", 404), ("anonymous", 302), ("other studio", 404)],
)
@pytest.mark.parametrize(
    "path", ["/app/reports/", "/app/reports/appointments.csv", "/app/reports/periods.csv"]
)
def test_reports_are_for_owners_and_managers(
    web, alpha, beta_owner, alpha_owner, make_member, who, expected, path
):
    users = {
        "owner": lambda: alpha_owner,
        "manager": lambda: make_member(alpha, Role.MANAGER),
        "staff": lambda: make_member(alpha, Role.STAFF),
        "other studio": lambda: beta_owner,
    }
    if who in users:
        web.force_login(users[who]())

    response = web.get(path, HTTP_HOST=ALPHA)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")
