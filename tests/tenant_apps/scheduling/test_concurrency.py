"""No double booking under real parallel connections.

Each simulated client is a thread with its own database connection, booking through the whole
HTTP stack (middleware, public API, services, PostgreSQL). The data must be committed for other
connections to see it, so these tests use `alpha_tx` (transactional; the flush afterwards runs on
alpha's schema, never on public) and restore alpha's default booking page afterwards.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.catalog.setup import default_booking_page_create
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling import services
from tenant_apps.scheduling.models import Appointment, IdempotencyRecord
from tenants.models import Tenant
from tests.factories.catalog import ServiceFactory, StaffMemberFactory, weekly_hours_set

LONDON = ZoneInfo("Europe/London")
BOOKINGS = "/api/v1/public/bookings/"


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


@pytest.fixture
def restore_alpha_defaults(django_db_blocker: Any) -> Iterator[None]:
    """Requested before alpha_tx, so it is torn down after the flush: puts back what
    provisioning gave alpha (the default booking page) for the tests that run later."""
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenant = Tenant.objects.get(slug="alpha")
        connection.set_tenant(tenant)
        default_booking_page_create(tenant=tenant)
        connection.set_schema_to_public()


@pytest.fixture
def studio(restore_alpha_defaults: None, alpha_tx: Tenant) -> dict[str, Any]:
    """Five staff working 9-17 every day and a 30-minute service (10 minutes after), committed."""
    staff = [StaffMemberFactory(display_name=f"Staff {i}") for i in range(5)]
    for person in staff:
        weekly_hours_set(person)
    service = ServiceFactory(name="Session", duration_minutes=30, buffer_after_minutes=10)
    service.staff.set(staff)
    return {"staff": staff, "service": service}


def booking_body(service: Service, staff: StaffMember | str, start: datetime, n: int) -> str:
    return json.dumps(
        {
            "service": service.pk,
            "staff": staff if isinstance(staff, str) else staff.pk,
            "start": start.isoformat(),
            "name": f"Client {n}",
            "email": f"client{n}@example.test",
        }
    )


def run_clients(count: int, request: Callable[[Client, int], Any], workers: int) -> list[Any]:
    """`count` clients, each with its own test client and (per thread) its own database
    connection; all start together when `workers` == `count`."""
    start_line = threading.Barrier(min(count, workers), timeout=30)

    def one(n: int) -> tuple[int, dict[str, Any]]:
        client = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}")
        try:
            if n < workers:
                start_line.wait()
            try:
                response = request(client, n)
            except Exception as exc:  # the test client re-raises a view's crash: a 500
                return 500, {"error": repr(exc)}
            body = response.json() if response.content else {}
            return response.status_code, body
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(count)))


def test_fifty_clients_booking_one_slot_get_one_201_and_49_409(studio):
    service, first = studio["service"], studio["staff"][0]
    start = at(monday(), 10)

    def request(client: Client, n: int) -> Any:
        body = booking_body(service, first, start, n)
        return client.post(BOOKINGS, data=body, content_type="application/json")

    results = run_clients(50, request, workers=50)

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: 49}, [r for r in results if r[0] not in (201, 409)]
    assert {body["code"] for status, body in results if status == 409} == {"slot_taken"}
    (winner,) = [body for status, body in results if status == 201]
    appointment = Appointment.objects.get()
    assert (appointment.reference, appointment.staff_id, appointment.start) == (
        winner["reference"],
        first.pk,
        start,
    )
    # The 49 refused bookings left no customers behind.
    assert Customer.objects.count() == 1


OVERLAPPING_ACTIVE_PAIRS = """
    SELECT count(*)
    FROM scheduling_appointment a
    JOIN scheduling_appointment b ON a.staff_id = b.staff_id AND a.id < b.id
    WHERE a.status IN ('pending', 'confirmed')
      AND b.status IN ('pending', 'confirmed')
      AND a.start - a.buffer_before < b."end" + b.buffer_after
      AND b.start - b.buffer_before < a."end" + a.buffer_after
"""


def test_two_hundred_clients_booking_random_slots_never_overlap(studio):
    service, staff = studio["service"], studio["staff"]
    day = monday()
    # Starts every 15 minutes while sessions block 40: neighbours collide on purpose.
    starts = [at(day, 9) + timedelta(minutes=15 * i) for i in range(31)]
    rng = random.Random(20261122)
    picks = [(rng.choice([*staff, "any"]), rng.choice(starts)) for _ in range(200)]

    def request(client: Client, n: int) -> Any:
        person, start = picks[n]
        body = booking_body(service, person, start, n)
        return client.post(BOOKINGS, data=body, content_type="application/json")

    results = run_clients(200, request, workers=40)

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, [r for r in results if r[0] not in (201, 409)]
    assert statuses[201] == Appointment.objects.count()
    assert statuses[201] > 20  # plenty were free: the test exercised real bookings
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPPING_ACTIVE_PAIRS)
        assert cursor.fetchone() == (0,)


def test_without_the_staff_lock_the_constraint_still_answers_409_never_500(studio, monkeypatch):
    """Take away the row lock and let every client pass the availability re-check before
    anyone inserts: the exclusion constraint (SQLSTATE 23P01) is then the only guard, and the
    API still answers one 201 and clean 409s."""
    clients = 10
    passed_check = threading.Barrier(clients, timeout=30)
    real_check = services._booking_verdict
    violations = Counter[str]()
    real_is_violation = services._is_exclusion_violation

    def check_then_wait(**kwargs: Any) -> Any:
        verdict = real_check(**kwargs)
        passed_check.wait()  # nobody inserts before everybody has checked
        return verdict

    def counting_is_violation(exc: Any) -> bool:
        found = real_is_violation(exc)
        violations["23P01"] += found
        return found

    # The booking's lock is taken by the query that checks the person performs the service.
    monkeypatch.setattr(services, "_lock_performing_staff", lambda **kwargs: True)
    monkeypatch.setattr(services, "_booking_verdict", check_then_wait)
    monkeypatch.setattr(services, "_is_exclusion_violation", counting_is_violation)
    service, first = studio["service"], studio["staff"][0]
    start = at(monday(), 11)

    def request(client: Client, n: int) -> Any:
        body = booking_body(service, first, start, n)
        return client.post(BOOKINGS, data=body, content_type="application/json")

    results = run_clients(clients, request, workers=clients)

    assert Counter(status for status, _ in results) == {201: 1, 409: clients - 1}, results
    assert {body["code"] for status, body in results if status == 409} == {"slot_taken"}
    assert violations["23P01"] == clients - 1
    assert Appointment.objects.count() == 1


def test_concurrent_retries_with_one_idempotency_key_book_once(studio):
    service, first = studio["service"], studio["staff"][0]
    body = booking_body(service, first, at(monday(), 14), 1)

    def request(client: Client, n: int) -> Any:
        return client.post(
            BOOKINGS, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-1"
        )

    results = run_clients(10, request, workers=10)

    assert [status for status, _ in results] == [201] * 10
    assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1
    assert Appointment.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
