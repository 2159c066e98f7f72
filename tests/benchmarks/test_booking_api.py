"""The public booking API through the full HTTP stack (gunicorn, real PostgreSQL and Redis).

1. GET /api/v1/public/slots over 90 days for a staff member with 5,000 bookings: p50 and p99
   (goal: p99 under 50 ms). Same-run baseline: GET /healthz on the same server.
2. POST /api/v1/public/bookings throughput at a fixed concurrency, against pgbench replaying the
   statements one booking issues (captured from the query log) on the same database, at the same
   concurrency, in the same run (goal: HTTP at least 50 % of pgbench).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentActivity,
    AppointmentSource,
    AppointmentStatus,
    WeeklyHours,
)
from tests.benchmarks.conftest import report
from tests.benchmarks.pgbench import pgbench_tps
from tests.benchmarks.servers import (
    floor_throughputs,
    free_port,
    gunicorn_argv,
    http_throughput,
    served,
)

ROOT = Path(__file__).resolve().parents[2]
HOST = "alpha.localhost"
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
BOOKINGS_PER_CLIENT = 60
SLOT_REQUESTS = 200
PGBENCH_SECONDS = 8


@pytest.fixture
def studio(committed_db):  # type: ignore[no-untyped-def]
    """alpha with 10 staff (08:00-20:00 every day), one 60-minute service, and 5,000 committed
    bookings for the first staff member over the next 90 days. Removed afterwards."""
    from tenants.models import Tenant

    alpha = Tenant.objects.get(slug="alpha")
    connection.set_tenant(alpha)
    staff = [StaffMember.objects.create(display_name=f"Bench {i:02d}") for i in range(10)]
    # pgbench's client i books staff[1] + i: the ids must be consecutive.
    assert [s.pk for s in staff] == list(range(staff[0].pk, staff[0].pk + 10))
    WeeklyHours.objects.bulk_create(
        WeeklyHours(staff=s, weekday=d, start_minute=8 * 60, end_minute=20 * 60)
        for s in staff
        for d in range(7)
    )
    service = Service.objects.create(
        name="Bench session", duration_minutes=60, currency="GBP", max_advance_days=120
    )
    service.staff.set(staff)
    customer = Customer.objects.create(full_name="Bench Customer", email="bench@x.test")
    day0 = (
        (timezone.now() + timedelta(days=2))
        .astimezone(UTC)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    # 5,000 bookings of 15 minutes, back to back from 06:00, never overlapping: 56 a day.
    starts = [
        day0 + timedelta(days=d, hours=6, minutes=15 * q) for d in range(90) for q in range(56)
    ]
    Appointment.objects.bulk_create(
        Appointment(
            reference=f"B{i:07d}",
            service=service,
            staff=staff[0],
            customer=customer,
            start=s,
            end=s + timedelta(minutes=15),
            buffer_before=timedelta(0),
            buffer_after=timedelta(0),
            blocked_start=s,
            blocked_end=s + timedelta(minutes=15),
            status=AppointmentStatus.CONFIRMED,
            source=AppointmentSource.API,
            price=0,
            currency="GBP",
        )
        for i, s in enumerate(starts[:5000])
    )
    with connection.cursor() as cursor:
        # What autovacuum does to a real table after a bulk load: fresh planner statistics.
        cursor.execute("ANALYZE scheduling_appointment")
    yield {"staff": staff, "service": service, "customer": customer, "day0": day0}
    connection.set_tenant(alpha)
    AppointmentActivity.objects.all().delete()
    Appointment.objects.all().delete()
    Service.objects.filter(pk=service.pk).delete()
    StaffMember.objects.filter(pk__in=[s.pk for s in staff]).delete()
    Customer.objects.all().delete()


@pytest.fixture
def server(studio) -> Iterator[int]:  # type: ignore[no-untyped-def]
    port = free_port()
    # The limits protect a studio from abuse; the benchmark is one client address.
    limits = {
        "PUBLIC_BOOKING_RATE_PER_MINUTE": "100000000",
        "PUBLIC_SLOTS_RATE_PER_MINUTE": "100000000",
    }
    with served(
        gunicorn_argv(port), port, settings_module="tests.benchmarks.api_settings", env=limits
    ):
        yield port


def _timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Host": HOST})
    response = conn.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, body


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def test_public_slots_latency(server, studio):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    first = studio["day0"].date()
    last = first + timedelta(days=89)
    one = (
        f"/api/v1/public/slots/?service={studio['service'].pk}&staff={studio['staff'][0].pk}"
        f"&start={first}&end={last}&tz=Europe/London"
    )
    anyone = f"/api/v1/public/slots/?service={studio['service'].pk}&start={first}&end={last}"
    for path in (one, anyone, "/healthz"):  # warm each path once
        _, status, _ = _timed_get(conn, path)
        assert status == 200
    baseline, single, many = [], [], []
    for _ in range(SLOT_REQUESTS):
        baseline.append(_timed_get(conn, "/healthz")[0])
        took, status, _ = _timed_get(conn, one)
        assert status == 200
        single.append(took)
    for _ in range(SLOT_REQUESTS // 4):
        took, status, _ = _timed_get(conn, anyone)
        assert status == 200
        many.append(took)
    slots_one = len(json.loads(_timed_get(conn, one)[2])["slots"])
    p50, p99 = _percentiles(single)
    a50, a99 = _percentiles(many)
    b50, _ = _percentiles(baseline)
    report(
        f"public slots, 1 staff with 5000 bookings, 90 days, HTTP: p50={p50:.1f} ms "
        f"p99={p99:.1f} ms ({slots_one} slots; goal p99 < 50 ms; baseline /healthz "
        f"p50={b50:.2f} ms)"
    )
    report(
        f"public slots, any of 10 staff, 90 days, HTTP: p50={a50:.1f} ms p99={a99:.1f} ms "
        f"({len(many)} requests)"
    )
    load_ms, engine_ms = _in_process_split(studio)
    report(
        f"public slots, 1 staff, in-process split: loading the engine's inputs "
        f"p50={load_ms:.1f} ms (1 query), engine p50={engine_ms:.1f} ms; the rest of the "
        "HTTP p50 is the request itself (DRF, middleware, rate limit, JSON)"
    )


def _in_process_split(studio: dict, runs: int = 50) -> tuple[float, float]:
    from tenant_apps.scheduling.availability import service_rules, staff_calendars_load
    from tenant_apps.scheduling.engine import SlotRequest, available_slots

    start = studio["day0"]
    end = start + timedelta(days=90)
    load, engine = [], []
    for _ in range(runs):
        began = time.perf_counter()
        calendars = staff_calendars_load(
            staff=[studio["staff"][0]], studio_timezone="Europe/London", start=start, end=end
        )
        loaded = time.perf_counter()
        available_slots(
            service_rules(studio["service"]),
            SlotRequest(range_start=start, range_end=end, now=timezone.now(), staff=calendars),
        )
        load.append((loaded - began) * 1000)
        engine.append((time.perf_counter() - loaded) * 1000)
    return statistics.median(load), statistics.median(engine)


def _free_starts(studio: dict, count: int) -> list[datetime]:
    """Hour starts on staff 2..10 that nobody holds (their calendars are empty)."""
    day0 = studio["day0"]
    return [day0 + timedelta(days=d, hours=h) for d in range(1, 90) for h in range(8, 20)][:count]


def _booking_body(studio: dict, staff: StaffMember, start: datetime, n: int) -> dict:
    return {
        "service": studio["service"].pk,
        "staff": staff.pk,
        "start": start.isoformat(),
        "name": "Bench Customer",
        "email": "bench@x.test",
        "phone": "",
        "note": f"n{n}",
    }


def _http_throughput(port: int, studio: dict) -> float:
    """CONCURRENCY clients, each booking its own staff member's free hours."""
    staff = studio["staff"][1 : 1 + CONCURRENCY]
    bodies: list[list[bytes | None]] = [
        [
            json.dumps(_booking_body(studio, member, start, n)).encode()
            for n, start in enumerate(_free_starts(studio, BOOKINGS_PER_CLIENT))
        ]
        for member in staff
    ]
    headers = [{"Content-Type": "application/json"}] * len(staff)
    return http_throughput(port, "/api/v1/public/bookings/", bodies, headers)


_TIMESTAMP = re.compile(r"'(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?\+00:00)'::timestamptz")


def _booking_post_captured(studio: dict, start: datetime) -> tuple[list[str], Appointment]:
    """One booking for the first benchmark staff member, made in-process through the same
    view, and the statements it issued."""
    client = Client(HTTP_HOST=HOST)
    # As on the server (api_settings): the booking's emails are queued for a worker, not sent
    # here, so the statements captured are the request's own.
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/public/bookings/",
                _booking_body(studio, studio["staff"][1], start, 0),
                content_type="application/json",
            )
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get(reference=response.json()["reference"])
    return [q["sql"] for q in queries.captured_queries], appointment


def _captured_booking_sql(studio: dict) -> tuple[list[str], dict]:
    """The statements of a booking in the steady state the server runs in: a first booking
    warms the process (the studio's host lookup is cached from then on), the second is kept."""
    day = studio["day0"] + timedelta(days=95)
    _booking_post_captured(studio, day - timedelta(days=1) + timedelta(hours=9))
    sql, appointment = _booking_post_captured(studio, day + timedelta(hours=9))
    return sql, {"appointment": appointment, "start": day + timedelta(hours=9)}


def _pgbench_script(sql: list[str], captured: dict) -> str:
    """Turn the captured statements into a pgbench transaction: client i books staff member
    (captured + i), as HTTP client i books its own; each run books the next hour of a sequence
    (so the exclusion constraint never fires) with a fresh reference, and its activity row and
    emails point at the appointment it made."""
    appointment = captured["appointment"]
    base = captured["start"]
    staff = f"({appointment.staff_id} + :client_id)"
    made = "currval(pg_get_serial_sequence('scheduling_appointment', 'id'))"
    # The captured statements include the view's own BEGIN and COMMIT.
    lines = ["SELECT nextval('public.bench_booking_seq') AS k \\gset"]
    for statement in sql:
        if statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            lines.append(statement + ";")
            continue

        def shift(match: re.Match[str]) -> str:
            moment = datetime.fromisoformat(match.group(1))
            delta = int((moment - base).total_seconds())
            return (
                f"(timestamptz '{base.isoformat()}' + :k * interval '2 hours' "
                f"+ interval '{delta} seconds')"
            )

        statement = _TIMESTAMP.sub(shift, statement)
        statement = statement.replace(
            f"'{appointment.reference}'", "substr(md5(random()::text), 1, 8)"
        )
        statement = statement.replace(
            f"ANY('{{{appointment.staff_id}}}'::int2[])", f"ANY(ARRAY[{staff}]::int2[])"
        )
        statement = re.sub(
            rf'((?:\bm\.id|"catalog_staffmember"\."id") = ){appointment.staff_id}\b',
            rf"\g<1>{staff}",
            statement,
        )
        statement = re.sub(
            rf"(VALUES \(substr\(md5\(random\(\)::text\), 1, 8\), \d+, ){appointment.staff_id}, ",
            rf"\g<1>{staff}, ",
            statement,
        )
        if statement.startswith("INSERT") and "scheduling_appointmentactivity" in statement:
            statement = re.sub(rf"\b{appointment.pk}\b", made, statement)
        if statement.startswith("INSERT") and "notifications_notification" in statement:
            statement = statement.replace(f"::jsonb, {appointment.pk}, ", f"::jsonb, {made}, ")
            statement = statement.replace(f"'event:{appointment.pk}:", f"'event:' || {made} || ':")
        lines.append(" ".join(statement.split()) + ";")
    return "\n".join(lines) + "\n"


def test_booking_throughput_against_pgbench(server, studio, tmp_path):
    sql, captured = _captured_booking_sql(studio)
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS public.bench_booking_seq START 100")
    try:
        script = _pgbench_script(sql, captured)
        (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
        (ROOT / "tests" / "artifacts" / "booking_pgbench.sql").write_text(script)
        http_tps = _http_throughput(server, studio)
        pg_tps = pgbench_tps(
            script, tmp_path / "booking.sql", clients=CONCURRENCY, seconds=PGBENCH_SECONDS
        )
        floors = floor_throughputs(
            tmp_path / "booking.sql", clients=CONCURRENCY, requests_per_client=BOOKINGS_PER_CLIENT
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE IF EXISTS public.bench_booking_seq")
    report(
        f"booking POST throughput: HTTP={http_tps:.0f}/s pgbench replay={pg_tps:.0f}/s "
        f"ratio={http_tps / pg_tps:.1%} (goal >= 50%; {CONCURRENCY} clients; "
        f"{len(sql)} statements per booking; script in tests/artifacts/booking_pgbench.sql)"
    )
    report(
        f"booking floors, the same script over HTTP on the same server settings: bare WSGI + "
        f"psycopg={floors['wsgi']:.0f}/s ({floors['wsgi'] / pg_tps:.1%} of pgbench), Django "
        f"middleware + one raw cursor={floors['django']:.0f}/s "
        f"({floors['django'] / pg_tps:.1%}); the endpoint reaches "
        f"{http_tps / floors['django']:.0%} of the Django floor"
    )
