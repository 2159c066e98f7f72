"""The last units of a pool under real parallel connections: each thread has its own database
connection and its own transaction, and the data is committed (`alpha_tx`; its flush removes
alpha's default booking page, which `restore_alpha_defaults` puts back)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction

from tenant_apps.resources import services
from tenant_apps.resources.errors import ResourceUnavailableError
from tenant_apps.resources.models import Reservation, Resource, ResourceKind, ServiceResourceNeed
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.resources import ResourceFactory
from tests.tenant_apps.scheduling.test_concurrency import (  # noqa: F401
    BOOKINGS,
    at,
    booking_body,
    monday,
    restore_alpha_defaults,
    run_clients,
)

T9 = datetime(2026, 12, 7, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)

OVERLAPPING_UNIT_PAIRS = """
    SELECT count(*)
      FROM resources_reservation a
      JOIN resources_reservation b
        ON a.resource_id = b.resource_id AND a.unit = b.unit AND a.id < b.id
     WHERE a.is_active AND b.is_active AND a.start < b."end" AND b.start < a."end"
"""


def _holders(count: int) -> list[Appointment]:
    service, staff, customer = ServiceFactory(), StaffMemberFactory(), CustomerFactory()
    holders = []
    for n in range(count):
        start = T9 + timedelta(days=n)
        holders.append(
            Appointment.objects.create(
                reference=f"PAR{n:05d}",
                service=service,
                staff=staff,
                customer=customer,
                status=AppointmentStatus.CONFIRMED,
                source=AppointmentSource.API,
                start=start,
                end=start + HOUR,
                blocked_start=start,
                blocked_end=start + HOUR,
                buffer_before=timedelta(0),
                buffer_after=timedelta(0),
                price=0,
                currency="GBP",
            )
        )
    return holders


def _in_parallel(tenant: Tenant, count: int, work: Callable[[int], Any]) -> list[str]:
    """`work(n)` in `count` threads that start together, each in its own connection and
    transaction; what each one ended with ("ok", an error code, or a crash)."""
    start_line = threading.Barrier(count, timeout=30)

    def one(n: int) -> str:
        try:
            connection.set_tenant(tenant)
            start_line.wait()
            with transaction.atomic():
                work(n)
            return "ok"
        except ResourceUnavailableError as exc:
            return exc.code
        except Exception as exc:  # a crash, reported instead of raised so the test shows it
            return f"crash: {exc!r}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def _overlapping_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPPING_UNIT_PAIRS)
        (count,) = cursor.fetchone()
    return int(count)


@pytest.mark.usefixtures("restore_alpha_defaults")
def test_twenty_holders_racing_for_five_free_units_get_exactly_five(alpha_tx):
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    holders = _holders(21)
    with transaction.atomic():
        services.resources_reserve(
            needs=[ResourceNeed(pool.pk, 7)], start=T9, end=T9 + HOUR, appointment=holders[20]
        )

    def reserve(n: int) -> None:
        # Overlapping spans that all cover 9:30-10:00, so every pair competes.
        start = T9 + timedelta(minutes=n % 3 * 10)
        services.resources_reserve(
            needs=[ResourceNeed(pool.pk, 1)],
            start=start,
            end=start + HOUR,
            appointment=holders[n],
        )

    outcomes = _in_parallel(alpha_tx, 20, reserve)

    assert Counter(outcomes) == {"ok": 5, "resource_unavailable": 15}, outcomes
    assert Reservation.objects.filter(is_active=True).count() == 12
    assert sorted(Reservation.objects.values_list("unit", flat=True)) == list(range(1, 13))
    assert _overlapping_pairs() == 0


@pytest.mark.usefixtures("restore_alpha_defaults")
def test_without_the_lock_the_constraint_still_answers_409(alpha_tx, monkeypatch):
    """Take away the row lock and let every thread read the free units before anyone inserts:
    they all pick the same unit, and the exclusion constraint lets one through (the others get
    its 23P01, or the deadlock two simultaneous inserts can meet: both are the same 409)."""
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    holders = _holders(6)
    everyone_read = threading.Barrier(6, timeout=30)
    real_guard = services._exclusion_as_conflict

    def unlocked(resource_ids: Any, holder: Any = None) -> dict[int, Resource]:
        return {r.pk: r for r in Resource.objects.filter(pk__in=resource_ids)}

    @contextmanager
    def read_then_wait(resource: Resource | None) -> Iterator[None]:
        everyone_read.wait()  # nobody inserts before everybody has chosen its unit
        with real_guard(resource):
            yield

    monkeypatch.setattr(services, "_lock", unlocked)
    monkeypatch.setattr(services, "_exclusion_as_conflict", read_then_wait)

    def reserve(n: int) -> None:
        services.resources_reserve(
            needs=[ResourceNeed(pool.pk, 1)], start=T9, end=T9 + HOUR, appointment=holders[n]
        )

    outcomes = _in_parallel(alpha_tx, 6, reserve)

    assert Counter(outcomes) == {"ok": 1, "resource_unavailable": 5}, outcomes
    assert list(Reservation.objects.values_list("unit", flat=True)) == [1]
    assert _overlapping_pairs() == 0


@pytest.mark.usefixtures("restore_alpha_defaults")
def test_two_inserts_that_deadlock_on_the_constraint_get_one_409_and_no_crash(alpha_tx):
    """Forced deadlock: A holds unit 1 from 9:00 to 10:00; B's 9:30-10:30 waits for A; A then
    asks for 10:15-11:00, which meets B's uncommitted row. PostgreSQL aborts one of them with
    40P01 while checking the exclusion constraint; that one gets the 409, the other commits."""
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=1)
    first, second = _holders(2)
    a_holds = threading.Event()

    def reservation(holder: Appointment, start: datetime, minutes: int) -> None:
        Reservation.objects.create(
            resource=pool,
            unit=1,
            start=start,
            end=start + timedelta(minutes=minutes),
            appointment=holder,
        )

    def b_is_waiting() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return bool(cursor.fetchone()[0])

    def a() -> None:
        reservation(first, T9, 60)
        a_holds.set()
        deadline = time.monotonic() + 20
        while not b_is_waiting():
            assert time.monotonic() < deadline, "B never started waiting for A"
            time.sleep(0.02)
        with services._exclusion_as_conflict(pool):
            reservation(first, T9 + timedelta(minutes=75), 45)

    def b() -> None:
        assert a_holds.wait(timeout=20)
        with services._exclusion_as_conflict(pool):
            reservation(second, T9 + timedelta(minutes=30), 60)

    def run(work: Callable[[], None]) -> BaseException | None:
        try:
            connection.set_tenant(alpha_tx)
            with transaction.atomic():
                work()
            return None
        except BaseException as exc:  # reported, so the test shows a crash
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as threads:
        outcomes = list(threads.map(run, [a, b]))

    refused = [exc for exc in outcomes if exc is not None]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], ResourceUnavailableError), outcomes
    assert refused[0].__cause__.__cause__.sqlstate == "40P01"
    survivor = first if outcomes[1] is not None else second
    assert set(Reservation.objects.values_list("appointment_id", flat=True)) == {survivor.pk}
    assert _overlapping_pairs() == 0


@pytest.mark.usefixtures("restore_alpha_defaults")
def test_ten_staff_racing_for_one_room_through_the_api_get_one_booking(alpha_tx):
    """Ten people, each free, booking a service that needs the one small studio at the same
    time through the public API: one 201, nine clean 409s naming the resource, one holder."""
    staff = [StaffMemberFactory(display_name=f"Coach {i}") for i in range(10)]
    for person in staff:
        weekly_hours_set(person)
    room = ResourceFactory(name="Small studio")
    service = ServiceFactory(name="Private", duration_minutes=60)
    service.staff.set(staff)
    ServiceResourceNeed.objects.create(service=service, resource=room, quantity=1)
    start = at(monday(), 10)

    def request(client: Any, n: int) -> Any:
        body = booking_body(service, staff[n], start, n)
        return client.post(BOOKINGS, data=body, content_type="application/json")

    results = run_clients(10, request, workers=10)

    assert Counter(status for status, _ in results) == {201: 1, 409: 9}, results
    assert {body["code"] for status, body in results if status == 409} == {"resource_unavailable"}
    assert Appointment.objects.count() == 1
    assert list(Reservation.objects.values_list("resource_id", "unit", "is_active")) == [
        (room.pk, 1, True)
    ]
