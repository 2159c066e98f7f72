"""Slot computation over 90 days with rooms and equipment against the same without them.

Four staff (08:00-20:00, Monday to Saturday) with 1,400 committed-looking appointments, a pool
of 12 reformers with about 5,000 reservations and a small studio with one a day. Two services
with the same length, buffers and staff: "Private reformer" needs 1 reformer and the small
studio, "Massage" needs nothing. Measured in the same run, interleaved:
1. slots_for_service (the one database round trip and the engine) for both, "any staff":
   p50 and p99 over 60 runs each, and the ratio (goal: within 2x);
2. the engine alone on the loaded inputs, with and without the ResourceLoads: p50, p99, ratio.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.resources.models import Reservation, Resource, ResourceKind, ServiceResourceNeed
from tenant_apps.scheduling.availability import (
    availability_load,
    service_rules,
    slots_for_service,
)
from tenant_apps.scheduling.engine import SlotRequest, available_slots
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    WeeklyHours,
)
from tests.benchmarks.conftest import report

START = datetime(2027, 1, 4, tzinfo=UTC)  # a Monday
DAYS = 90
RUNS = 60


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _studio() -> dict[str, object]:
    rng = random.Random(11)
    staff = [StaffMember.objects.create(display_name=f"Res {i}") for i in range(4)]
    WeeklyHours.objects.bulk_create(
        WeeklyHours(staff=s, weekday=d, start_minute=8 * 60, end_minute=20 * 60)
        for s in staff
        for d in range(6)
    )
    common = {"duration_minutes": 55, "buffer_after_minutes": 10, "price": 60, "currency": "GBP"}
    private = Service.objects.create(name="Private reformer", max_advance_days=365, **common)
    massage = Service.objects.create(name="Massage", max_advance_days=365, **common)
    private.staff.set(staff)
    massage.staff.set(staff)
    room = Resource.objects.create(name="Small studio", kind=ResourceKind.ROOM, quantity=1)
    pool = Resource.objects.create(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    ServiceResourceNeed.objects.create(service=private, resource=room, quantity=1)
    ServiceResourceNeed.objects.create(service=private, resource=pool, quantity=1)
    customer = Customer.objects.create(full_name="Bench Customer", email="bench@example.test")
    appointments = []
    for day in range(DAYS):
        if (START + timedelta(days=day)).weekday() == 6:
            continue
        for n, member in enumerate(staff):
            for hour in rng.sample(range(8, 19, 2), k=4):
                start = START + timedelta(days=day, hours=hour, minutes=15 * (n % 2))
                appointments.append(
                    Appointment(
                        reference=f"B{len(appointments):07d}",
                        service=massage,
                        staff=member,
                        customer=customer,
                        status=AppointmentStatus.CONFIRMED,
                        source=AppointmentSource.API,
                        start=start,
                        end=start + timedelta(minutes=55),
                        buffer_before=timedelta(0),
                        buffer_after=timedelta(minutes=10),
                        blocked_start=start,
                        blocked_end=start + timedelta(minutes=65),
                        price=60,
                        currency="GBP",
                    )
                )
    holders = Appointment.objects.bulk_create(appointments)
    reservations = []
    for day in range(DAYS):
        base = START + timedelta(days=day)
        for unit in range(1, 13):
            for hour in rng.sample(range(8, 20), k=5):
                start = base + timedelta(hours=hour, minutes=rng.choice((0, 10, 20)))
                reservations.append((pool, unit, start, start + timedelta(minutes=40)))
        hour = rng.randrange(8, 19)
        reservations.append(
            (room, 1, base + timedelta(hours=hour), base + timedelta(hours=hour + 1))
        )
    Reservation.objects.bulk_create(
        Reservation(
            resource=resource,
            unit=unit,
            start=start,
            end=end,
            appointment=holders[i % len(holders)],
        )
        for i, (resource, unit, start, end) in enumerate(reservations)
    )
    return {
        "staff": staff,
        "private": private,
        "massage": massage,
        "appointments": len(holders),
        "reservations": len(reservations),
    }


def test_slots_with_resources_over_90_days(in_alpha):
    studio = _studio()
    staff = studio["staff"]
    window = {"start": START, "end": START + timedelta(days=DAYS)}
    now = START - timedelta(days=1)

    def slots(service: Service) -> int:
        return len(
            slots_for_service(
                service=service, staff=staff, studio_timezone="Europe/London", now=now, **window
            )
        )

    with_resources, without = [], []
    counts = {}
    for run in range(RUNS + 5):
        for service, samples in ((studio["private"], with_resources), (studio["massage"], without)):
            started = time.perf_counter()
            counts[service.name] = slots(service)
            if run >= 5:  # warm-up runs are not counted
                samples.append((time.perf_counter() - started) * 1000)
    w50, w99 = _percentiles(with_resources)
    p50, p99 = _percentiles(without)
    report(
        f"slots_for_service, 4 staff, {studio['appointments']} appointments, "
        f"{studio['reservations']} reservations, 90 days: with resources p50={w50:.1f} ms "
        f"p99={w99:.1f} ms ({counts['Private reformer']} slots); without p50={p50:.1f} ms "
        f"p99={p99:.1f} ms ({counts['Massage']} slots); ratio p50={w50 / p50:.2f} "
        f"p99={w99 / p99:.2f} (goal <= 2)"
    )

    loaded = availability_load(
        staff=staff, studio_timezone="Europe/London", service=studio["private"], **window
    )
    rules = service_rules(studio["private"])
    request_with = SlotRequest(
        range_start=START,
        range_end=window["end"],
        now=now,
        staff=loaded.calendars,
        resources=loaded.resources,
    )
    request_without = SlotRequest(
        range_start=START, range_end=window["end"], now=now, staff=loaded.calendars
    )
    engine_with, engine_without = [], []
    for run in range(RUNS + 5):
        for request, samples in ((request_with, engine_with), (request_without, engine_without)):
            started = time.perf_counter()
            available_slots(rules, request)
            if run >= 5:
                samples.append((time.perf_counter() - started) * 1000)
    e50, e99 = _percentiles(engine_with)
    n50, n99 = _percentiles(engine_without)
    report(
        f"engine alone, same inputs: with resources p50={e50:.1f} ms p99={e99:.1f} ms; "
        f"without p50={n50:.1f} ms p99={n99:.1f} ms; ratio p50={e50 / n50:.2f} "
        f"p99={e99 / n99:.2f}"
    )
    assert counts["Private reformer"] > 0
    assert counts["Private reformer"] < counts["Massage"]  # the resources did remove times
