"""The calendar's range reads through the full HTTP stack (gunicorn, real PostgreSQL and Redis).

A week of 10 staff with 500 appointments, as the owner's calendar asks for it:
1. GET /api/v1/appointments/?start=&end=&limit=1000 (every appointment of the visible week, in
   one page): p50 and p99 over 200 requests (goal: p99 under 50 ms), against a same-run baseline
   (GET /healthz on the same server).
2. GET /app/calendar/shading/ for the same week (the greyed-out hours): p50 and p99.
3. The query count of both is the same for 50 and for 500 appointments (asserted).
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    WeeklyHours,
)
from tenants.models import Tenant
from tests.benchmarks.conftest import report
from tests.benchmarks.servers import free_port, gunicorn_argv, served

HOST = "alpha.localhost"
LONDON = ZoneInfo("Europe/London")
REQUESTS = 200
STAFF = 10
# Per staff member and day of the week: 5 on the first day (50 in all), 45 over the other six.
PER_DAY = (5, 8, 8, 8, 7, 7, 7)


@pytest.fixture
def week(committed_db) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """alpha with 10 staff (08:00-20:00 every day), one service, 500 committed confirmed
    appointments in one week starting next Monday (50 of them on the Monday). Removed after."""
    alpha = Tenant.objects.get(slug="alpha")
    connection.set_tenant(alpha)
    staff = [StaffMember.objects.create(display_name=f"Cal {i:02d}") for i in range(STAFF)]
    WeeklyHours.objects.bulk_create(
        WeeklyHours(staff=s, weekday=d, start_minute=8 * 60, end_minute=20 * 60)
        for s in staff
        for d in range(7)
    )
    service = Service.objects.create(name="Cal session", duration_minutes=45, currency="GBP")
    service.staff.set(staff)
    customers = Customer.objects.bulk_create(
        Customer(full_name=f"Cal Customer {i}", email=f"cal{i}@bench.test") for i in range(50)
    )
    today = timezone.now().astimezone(LONDON).date()
    monday = today + timedelta(days=7 - today.weekday())
    rows = []
    for s_index, member in enumerate(staff):
        for day, count in enumerate(PER_DAY):
            for q in range(count):
                start = datetime.combine(
                    monday + timedelta(days=day), datetime.min.time(), LONDON
                ) + timedelta(hours=8 + q)
                end = start + timedelta(minutes=45)
                rows.append(
                    Appointment(
                        reference=f"C{len(rows):07d}",
                        service=service,
                        staff=member,
                        customer=customers[(s_index * 7 + q) % len(customers)],
                        start=start,
                        end=end,
                        buffer_before=timedelta(0),
                        buffer_after=timedelta(0),
                        blocked_start=start,
                        blocked_end=end,
                        status=AppointmentStatus.CONFIRMED,
                        source=AppointmentSource.OWNER_APP,
                        price=0,
                        currency="GBP",
                    )
                )
    Appointment.objects.bulk_create(rows)
    assert len(rows) == 500
    with connection.cursor() as cursor:
        # What autovacuum does to a real table after a bulk load: fresh planner statistics.
        cursor.execute("ANALYZE scheduling_appointment")
    owner = User.objects.get(email="owner@alpha.test")
    yield {"monday": monday, "staff": staff, "owner": owner}
    connection.set_tenant(alpha)
    Appointment.objects.filter(service=service).delete()
    Service.objects.filter(pk=service.pk).delete()
    StaffMember.objects.filter(pk__in=[s.pk for s in staff]).delete()
    Customer.objects.filter(email__endswith="@bench.test").delete()


@pytest.fixture
def server(week: dict[str, Any]) -> Iterator[int]:
    port = free_port()
    with served(gunicorn_argv(port), port, settings_module="tests.benchmarks.api_settings"):
        yield port


def _signed_in(owner: User) -> Client:
    """A client with the owner's session (stored in the database, so the server accepts its
    cookie too)."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(owner)
    return client


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _timed_get(
    conn: http.client.HTTPConnection, path: str, cookie: str
) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Host": HOST, "Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, body


def _query_count(client: Client, path: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response.json()


def test_calendar_range_latency_and_constant_queries(server: int, week: dict[str, Any]) -> None:
    monday = week["monday"]
    sunday = monday + timedelta(days=6)
    client = _signed_in(week["owner"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    appointments_week = f"/api/v1/appointments/?start={monday}&end={sunday}&limit=1000"
    appointments_day = f"/api/v1/appointments/?start={monday}&end={monday}&limit=1000"
    shading_week = f"/app/calendar/shading/?start={monday}&end={sunday}"

    # Constant queries: 50 appointments (Monday) and 500 (the week) cost the same.
    client.get(appointments_day)  # the session and the studio's host are cached from here on
    day_queries, day_body = _query_count(client, appointments_day)
    week_queries, week_body = _query_count(client, appointments_week)
    assert (day_body["count"], len(week_body["results"])) == (50, 500)
    assert day_queries == week_queries, (day_queries, week_queries)
    shading_queries, shading = _query_count(client, shading_week)
    assert len(shading["staff"]) >= STAFF

    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    for path in (appointments_week, shading_week, "/healthz"):  # warm each path once
        _, status, _ = _timed_get(conn, path, cookie)
        assert status == 200, path
    baseline, reads, shades = [], [], []
    for _ in range(REQUESTS):
        baseline.append(_timed_get(conn, "/healthz", cookie)[0])
        took, status, body = _timed_get(conn, appointments_week, cookie)
        assert status == 200
        reads.append(took)
        took, status, _ = _timed_get(conn, shading_week, cookie)
        assert status == 200
        shades.append(took)
    assert len(json.loads(body)["results"]) == 500
    p50, p99 = _percentiles(reads)
    s50, s99 = _percentiles(shades)
    b50, b99 = _percentiles(baseline)
    report(
        f"calendar week, 10 staff, 500 appointments, GET /api/v1/appointments/ over HTTP: "
        f"p50={p50:.1f} ms p99={p99:.1f} ms (goal p99 < 50 ms; {REQUESTS} requests; "
        f"{week_queries} queries for 50 and for 500; baseline /healthz p50={b50:.2f} ms "
        f"p99={b99:.2f} ms; p50 ratio {p50 / b50:.0f}x)"
    )
    report(
        f"calendar week shading, 10 staff, GET /app/calendar/shading/: p50={s50:.1f} ms "
        f"p99={s99:.1f} ms ({shading_queries} queries)"
    )
    client.logout()  # the session row goes with it
