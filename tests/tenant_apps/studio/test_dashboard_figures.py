"""The dashboard's day, approvals and range figures through the real stack."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenant_apps.reports.selectors import StatusFigures
from tenant_apps.studio.navigation import url_or_none
from tenants.models import Role
from tests.factories.catalog import CustomerFactory, ServiceFactory, StaffMemberFactory
from tests.tenant_apps.reports.conftest import book
from tests.tenant_apps.reports.generator import (
    ZONE,
    Expected,
    expected_available_minutes,
    expected_booked_minutes,
    expected_by_day,
    expected_customers,
    generate,
)

ALPHA = "alpha.localhost"
MARCH = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}


def _today() -> date:
    return timezone.now().astimezone(ZONE).date()


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def test_dashboard_figures_equal_an_independent_count(web, alpha_owner, in_alpha):
    # given a generated month of bookings across statuses, staff, services and the DST change
    data = generate(seed=21)
    by_day = expected_by_day(data)
    web.force_login(alpha_owner)

    # when
    response = web.get("/app/", MARCH, HTTP_HOST=ALPHA)

    # then
    assert response.status_code == 200
    summary = response.context["dashboard"].summary
    total = Expected()
    for e in by_day.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(e, name))
    assert summary.totals == StatusFigures(**vars(total))
    assert [(row.period, row.figures.bookings, row.figures.revenue) for row in summary.periods] == [
        (
            date(2025, 3, d),
            by_day.get(date(2025, 3, d), Expected()).bookings,
            by_day.get(date(2025, 3, d), Expected()).revenue,
        )
        for d in range(1, 32)
    ]
    booked = expected_booked_minutes(data)
    assert summary.booked_minutes == sum(booked.values())
    assert summary.available_minutes == sum(expected_available_minutes(i) for i in range(3))
    customers, new = expected_customers(data)
    assert (summary.customers.customers, summary.customers.new) == (customers, new)
    content = response.content.decode()
    assert f'<span class="stat-value">{total.bookings}</span>' in content
    assert f'<span class="stat-value">£{total.revenue:,.2f}</span>' in content
    assert 'id="report-chart-data"' in content


@pytest.fixture
def today_bookings(in_alpha, alpha):
    mine = StaffMemberFactory(display_name="Sam Staff")
    other = StaffMemberFactory(display_name="Olly Other")
    service = ServiceFactory(name="Reformer", performers=[mine, other])
    ada, ben = CustomerFactory(full_name="Ada Early"), CustomerFactory(full_name="Ben Later")
    today = _today()
    rows = {
        "mine_9": book(
            staff=mine, service=service, customer=ada, start=_local(today, 9), status="confirmed"
        ),
        "other_13": book(
            staff=other,
            service=service,
            customer=ben,
            start=_local(today, 13, 30),
            status="pending",
        ),
        "mine_cancelled": book(
            staff=mine, service=service, customer=ben, start=_local(today, 15), status="cancelled"
        ),
        "mine_rejected": book(
            staff=mine, service=service, customer=ada, start=_local(today, 11), status="rejected"
        ),
        "yesterday": book(
            staff=mine,
            service=service,
            customer=ada,
            start=_local(today - timedelta(days=1), 9),
            status="completed",
        ),
        "tomorrow": book(
            staff=other,
            service=service,
            customer=ada,
            start=_local(today + timedelta(days=1), 9),
            status="pending",
        ),
    }
    return mine, rows


def test_owner_sees_the_whole_day_in_studio_time(web, alpha_owner, today_bookings):
    _, rows = today_bookings
    web.force_login(alpha_owner)

    response = web.get("/app/", HTTP_HOST=ALPHA)

    dashboard = response.context["dashboard"]
    assert [(i.reference, f"{i.local_start:%H:%M}", i.status) for i in dashboard.today] == [
        (rows["mine_9"].reference, "09:00", "confirmed"),
        (rows["other_13"].reference, "13:30", "pending"),
        (rows["mine_cancelled"].reference, "15:00", "cancelled"),
    ]
    assert dashboard.today_active == 2
    content = response.content.decode()
    assert "2 appointments · 1 cancelled or missed" in content
    assert f'data-appointment="{rows["mine_9"].reference}"' in content
    assert '<span class="today-time">09:00<small>10:00</small></span>' in content
    assert f'data-appointment="{rows["mine_rejected"].reference}"' not in content
    calendar = url_or_none("scheduling:calendar")
    if calendar is not None:
        assert f'href="{calendar}?date={_today().isoformat()}"' in content


def test_pending_approvals_oldest_request_first(web, alpha_owner, today_bookings):
    _, rows = today_bookings
    web.force_login(alpha_owner)

    response = web.get("/app/", HTTP_HOST=ALPHA)

    dashboard = response.context["dashboard"]
    assert dashboard.pending_count == 2
    assert [i.reference for i in dashboard.pending] == [
        rows["other_13"].reference,
        rows["tomorrow"].reference,
    ]
    assert '<span class="count-pill" data-pending-count>2</span>' in response.content.decode()
    assert dashboard.approvals_url == url_or_none("scheduling:approval_queue")


def test_staff_see_their_own_day_and_no_figures(web, alpha, make_member, today_bookings):
    mine, rows = today_bookings
    user = make_member(alpha, Role.STAFF)
    mine.user = user
    mine.save(update_fields=["user"])
    web.force_login(user)

    response = web.get("/app/", MARCH, HTTP_HOST=ALPHA)

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert [i.reference for i in dashboard.today] == [
        rows["mine_9"].reference,
        rows["mine_cancelled"].reference,
    ]
    assert dashboard.summary is None
    assert dashboard.pending == ()
    content = response.content.decode()
    assert "Your day" in content
    assert 'data-figure="revenue"' not in content
    assert "Waiting for approval" not in content
    assert 'name="preset"' not in content


def test_staff_without_a_profile_see_an_empty_day(web, alpha, make_member, today_bookings):
    web.force_login(make_member(alpha, Role.STAFF))

    response = web.get("/app/", HTTP_HOST=ALPHA)

    assert response.context["dashboard"].today == ()
    assert "Nothing booked with you today." in response.content.decode()


def test_invalid_range_keeps_the_day_and_shows_the_error(web, alpha_owner, today_bookings):
    web.force_login(alpha_owner)

    response = web.get(
        "/app/", {"preset": "custom", "start": "2025-03-10", "end": "2024-03-10"}, HTTP_HOST=ALPHA
    )

    assert response.status_code == 400
    dashboard = response.context["dashboard"]
    assert dashboard.summary is None
    assert len(dashboard.today) == 3
    content = response.content.decode()
    assert (
        '<div class="field-error" id="id_end_error"><p>The last day must be on or after the '
        "first day.</p></div>"
    ) in content


def _queries(web) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert web.get("/app/", MARCH, HTTP_HOST=ALPHA).status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_the_data(web, alpha_owner, today_bookings):
    web.force_login(alpha_owner)
    _queries(web)
    small = _queries(web)

    generate(seed=4, per_slot_chance=0.8)
    large = _queries(web)

    assert small == large
