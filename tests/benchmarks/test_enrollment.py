"""Class enrollment through the full HTTP stack (gunicorn, real PostgreSQL and Redis).

POST /api/v1/public/enrollments throughput with 16 concurrent clients, against pgbench replaying
the statements one enrollment issues (captured from the same view, the guarded seat UPDATE
included) on the same database, at the same concurrency, in the same run (goal: HTTP at least
50 % of pgbench); and beside them the raw guarded seat UPDATE alone under pgbench.

Each client enrolls new customers into its own class (as each booking client of
test_booking_api.py books its own staff member): the figure is the cost of the request, not of
sixteen clients queueing on one row. The hot-class case (everyone into one class) is printed
too, for both HTTP and pgbench.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import ClassSession, ClassType, Enrollment
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification
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
CONCURRENCY = int(os.environ.get("BENCH_ENROLL_CONCURRENCY", "16"))
ENROLLMENTS_PER_CLIENT = int(os.environ.get("BENCH_ENROLLMENTS_PER_CLIENT", "40"))
PGBENCH_SECONDS = 8
# The seats never run out during a run: what is measured is taking one.
CAPACITY = 1_000_000


@pytest.fixture
def classes(committed_db):  # type: ignore[no-untyped-def]
    """alpha with one class type and CONCURRENCY + 2 committed sessions next week (ids
    consecutive: pgbench picks its client's one by :client_id). Removed afterwards."""
    from tenants.models import Tenant

    alpha = Tenant.objects.get(slug="alpha")
    connection.set_tenant(alpha)
    teacher = StaffMember.objects.create(display_name="Bench instructor")
    class_type = ClassType.objects.create(
        name="Bench class", currency="GBP", capacity=12, default_instructor=teacher
    )
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            class_type=class_type,
            instructor=teacher,
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i, minutes=55),
            capacity=CAPACITY,
            currency="GBP",
        )
        for i in range(CONCURRENCY + 2)
    )
    ids = [s.pk for s in sessions]
    assert ids == list(range(ids[0], ids[0] + len(ids))), "session ids must be consecutive"
    yield {"sessions": sessions, "class_type": class_type}
    connection.set_tenant(alpha)
    Notification.objects.filter(kind__startswith="class_").delete()
    Enrollment.objects.all().delete()
    ClassSession.objects.filter(pk__in=ids).delete()
    class_type.delete()
    teacher.delete()
    Customer.objects.filter(email__startswith="bench-").delete()


@pytest.fixture
def server(classes) -> Iterator[int]:  # type: ignore[no-untyped-def]
    port = free_port()
    limits = {"PUBLIC_BOOKING_RATE_PER_MINUTE": "100000000"}
    argv = gunicorn_argv(port)
    with served(argv, port, settings_module="tests.benchmarks.api_settings", env=limits):
        yield port


def _body(session_id: int, tag: str) -> dict:
    return {
        "session": session_id,
        "name": "Bench Customer",
        "email": f"bench-{tag}@x.test",
        "phone": "",
        "note": "",
    }


def _http_throughput(port: int, session_ids: list[int], run: str) -> float:
    """CONCURRENCY clients; client i enrolls into session_ids[i % len(session_ids)]."""
    bodies: list[list[bytes | None]] = [
        [
            json.dumps(_body(session_ids[i % len(session_ids)], f"{run}-{i}-{n}")).encode()
            for n in ["warm", *range(ENROLLMENTS_PER_CLIENT)]
        ]
        for i in range(CONCURRENCY)
    ]
    headers = [{"Content-Type": "application/json"}] * CONCURRENCY
    return http_throughput(port, "/api/v1/public/enrollments/", bodies, headers)


def _healthz_throughput(port: int, requests_per_client: int) -> float:
    """The server's ceiling with the same clients: GET /healthz (no database, no Redis)."""
    bodies: list[list[bytes | None]] = [[None] * (requests_per_client + 1)] * CONCURRENCY
    headers: list[dict[str, str]] = [{}] * CONCURRENCY
    return http_throughput(port, "/healthz", bodies, headers, method="GET", status=200)


def _captured_enrollment_sql(session_id: int, tag: str) -> tuple[list[str], Enrollment]:
    """The statements one enrollment issues (a new customer, a seat), captured in-process
    through the same view."""
    client = Client(HTTP_HOST=HOST)
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/public/enrollments/",
                _body(session_id, tag),
                content_type="application/json",
            )
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "booked"
    enrollment = Enrollment.objects.select_related("customer").get(
        reference=response.json()["reference"]
    )
    return [q["sql"] for q in queries.captured_queries], enrollment


def _serial(table: str) -> str:
    return f"currval(pg_get_serial_sequence('{table}', 'id'))"


def _pgbench_script(
    sql: list[str], enrollment: Enrollment, *, schema: str, first_session: int, hot: bool
) -> str:
    """The captured statements (the view's own BEGIN and COMMIT included) as a pgbench
    transaction: every run enrolls a new customer (unique email, fresh reference) into its
    client's own session, `first_session` + its number (or, `hot`, all into `first_session`)."""
    session_id = enrollment.session_id
    target = f"{first_session}" if hot else f"({first_session} + :client_id)"
    lines = [
        f"SET search_path = {schema}, public;",
        "SELECT nextval('public.bench_enroll_seq') AS k \\gset",
    ]
    for statement in sql:
        text = " ".join(statement.split())
        text = text.replace("'bench-captured@x.test'", "('bench-pg-' || :k || '@x.test')")
        # The session, wherever a statement names it.
        text = re.sub(rf'("classes_classsession"\."id" = ){session_id}\b', rf"\g<1>{target}", text)
        text = re.sub(rf"(WHERE id = ){session_id}\b", rf"\g<1>{target}", text)
        text = re.sub(rf"(e\.session_id = ){session_id}\b", rf"\g<1>{target}", text)
        # The enrollment row: a fresh reference, this run's session and new customer.
        text = re.sub(
            rf"VALUES \('{enrollment.reference}', {session_id}, {enrollment.customer_id}, ",
            "VALUES (substr(md5(random()::text), 1, 8), "
            f"{target}, {_serial('customers_customer')}, ",
            text,
        )
        text = text.replace(f'"reference": "{enrollment.reference}"', '"reference": "BENCH"')
        text = text.replace(
            f"'class:class_booked:{enrollment.pk}:created'",
            f"('class:class_booked:' || {_serial('classes_enrollment')} || ':created')",
        )
        lines.append(text + ";")
    return "\n".join(lines) + "\n"


def _guarded_update_script(first_session_id: int, schema: str) -> str:
    from tenant_apps.classes.services.seats import TAKE_SQL

    statement = TAKE_SQL % (
        "1",
        "now()",
        f"({first_session_id} + :client_id)",
        "'scheduled'",
        "1",
        f"({first_session_id} + :client_id)",
        "'waitlisted'",
    )
    return f"SET search_path = {schema}, public;\n{statement};\n"


def test_enrollment_throughput_against_pgbench(server, classes, tmp_path):
    sessions = classes["sessions"]
    schema = connection.schema_name
    own = [s.pk for s in sessions[:CONCURRENCY]]
    spare = sessions[CONCURRENCY]
    # A first request warms the process (tenant resolution, connections); the second one's
    # statements are the steady state the server runs.
    _captured_enrollment_sql(sessions[CONCURRENCY + 1].pk, "warm")
    sql, enrollment = _captured_enrollment_sql(spare.pk, "captured")
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS public.bench_enroll_seq START 1")
    try:
        script = _pgbench_script(sql, enrollment, schema=schema, first_session=own[0], hot=False)
        hot_script = _pgbench_script(sql, enrollment, schema=schema, first_session=own[0], hot=True)
        raw_script = _guarded_update_script(own[0], schema)
        artifacts = ROOT / "tests" / "artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "enrollment_pgbench.sql").write_text(script)
        (artifacts / "enrollment_guarded_update_pgbench.sql").write_text(raw_script)
        ceiling = _healthz_throughput(server, ENROLLMENTS_PER_CLIENT * 2)
        http_tps = _http_throughput(server, own, "own")
        pg_tps = pgbench_tps(
            script, tmp_path / "enroll.sql", clients=CONCURRENCY, seconds=PGBENCH_SECONDS
        )
        floors = floor_throughputs(
            tmp_path / "enroll.sql",
            clients=CONCURRENCY,
            requests_per_client=ENROLLMENTS_PER_CLIENT,
        )
        raw_tps = pgbench_tps(
            raw_script, tmp_path / "guarded.sql", clients=CONCURRENCY, seconds=PGBENCH_SECONDS
        )
        hot_http = _http_throughput(server, [own[0]], "hot")
        hot_pg = pgbench_tps(
            hot_script, tmp_path / "hot.sql", clients=CONCURRENCY, seconds=PGBENCH_SECONDS
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE IF EXISTS public.bench_enroll_seq")
    statements = [s for s in sql if s not in ("BEGIN", "COMMIT")]
    report(
        f"enrollment POST throughput: HTTP={http_tps:.0f}/s pgbench replay={pg_tps:.0f}/s "
        f"ratio={http_tps / pg_tps:.1%} (goal >= 50%; {CONCURRENCY} clients, one class each; "
        f"{len(statements)} statements per enrollment; script in "
        "tests/artifacts/enrollment_pgbench.sql)"
    )
    report(
        f"enrollment floors, the same script over HTTP on the same server settings: bare "
        f"WSGI + psycopg={floors['wsgi']:.0f}/s ({floors['wsgi'] / pg_tps:.1%} of pgbench), "
        f"Django middleware + one raw cursor={floors['django']:.0f}/s "
        f"({floors['django'] / pg_tps:.1%}); the endpoint reaches "
        f"{http_tps / floors['django']:.0%} of the Django floor"
    )
    report(
        f"same server, same {CONCURRENCY} clients, GET /healthz (no database): {ceiling:.0f}/s "
        f"- the HTTP ceiling on this machine; enrollment POST reaches {http_tps / ceiling:.0%} "
        "of it"
    )
    report(
        f"raw guarded seat UPDATE under pgbench: {raw_tps:.0f}/s ({CONCURRENCY} clients, "
        "one class each)"
    )
    report(
        f"hot class (all {CONCURRENCY} clients into one class): HTTP={hot_http:.0f}/s "
        f"pgbench replay={hot_pg:.0f}/s ratio={hot_http / hot_pg:.1%}"
    )
    assert ClassSession.objects.get(pk=own[0]).taken > ENROLLMENTS_PER_CLIENT
