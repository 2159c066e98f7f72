"""No overbooking under real parallel connections: 100 customers enroll at once into a class
of 12 through the public API (threads, each with its own database connection, through the
whole HTTP stack), and cancellations racing each other hand every seat to the line in order.
The work must commit for other connections to see it, so this uses
`alpha_tx` (the flush runs on alpha's schema) and restores alpha's default booking page."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tenant_apps.classes.services import enrollment_book
from tenant_apps.scheduling.services import Actor, CustomerDetails
from tenants.models import Tenant
from tests.factories.classes import class_type_make, session_make
from tests.tenant_apps.scheduling.test_concurrency import (
    at,
    monday,
    run_clients,
)
from tests.tenant_apps.scheduling.test_concurrency import (
    restore_alpha_defaults as restore_alpha_defaults,
)

ENROLL = "/api/v1/public/enrollments/"


@pytest.fixture
def full_class(restore_alpha_defaults: None, alpha_tx: Tenant) -> ClassSession:
    return session_make(
        class_type=class_type_make("Reformer Flow", capacity=12), start=at(monday(), 18)
    )


def test_a_hundred_parallel_enrollments_give_twelve_seats_and_an_ordered_waitlist(full_class):
    def request(client: Client, n: int) -> Any:
        body = {"session": full_class.pk, "name": f"Client {n}", "email": f"c{n}@example.test"}
        return client.post(ENROLL, data=json.dumps(body), content_type="application/json")

    results = run_clients(100, request, workers=50)

    assert Counter(status for status, _ in results) == {201: 100}, [
        r for r in results if r[0] != 201
    ]
    assert Counter(body["status"] for _, body in results) == {"booked": 12, "waitlisted": 88}
    assert ClassSession.objects.get(pk=full_class.pk).taken == 12
    booked = Enrollment.objects.filter(session=full_class, status=EnrollmentStatus.BOOKED)
    assert sum(booked.values_list("spots", flat=True)) == 12
    # The line: positions 1..88, each customer's answer matching the database's order, and
    # (waitlisted_at, id) strictly increasing along it (arrival order under the session lock).
    line = list(
        Enrollment.objects.filter(session=full_class, status=EnrollmentStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .values_list("reference", "waitlisted_at", "pk")
    )
    assert len(line) == 88
    answered = {
        body["reference"]: body["waitlist_position"]
        for _, body in results
        if body["status"] == "waitlisted"
    }
    assert [answered[reference] for reference, _, _ in line] == list(range(1, 89))
    times = [waitlisted_at for _, waitlisted_at, _ in line]
    ids = [pk for _, _, pk in line]
    assert all(a < b for a, b in itertools.pairwise(times))
    assert all(a < b for a, b in itertools.pairwise(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM classes_classsession WHERE taken > capacity OR taken < 0"
        )
        assert cursor.fetchone() == (0,)


def test_parallel_cancellations_hand_every_seat_to_the_line_in_order(full_class):
    ClassSession.objects.filter(pk=full_class.pk).update(capacity=10)
    full_class.refresh_from_db()
    made = [
        enrollment_book(
            session=full_class,
            customer=CustomerDetails(full_name=f"C{n}", email=f"c{n}@example.test"),
            payment=EnrollmentPayment.AT_STUDIO,
            source=EnrollmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
        )
        for n in range(25)
    ]
    booked, waiting = made[:10], made[10:]
    assert {e.status for e in booked} == {"booked"}
    assert {e.status for e in waiting} == {"waitlisted"}

    def request(client: Client, n: int) -> Any:
        enrollment = booked[n]
        path = f"{ENROLL}{enrollment.reference}/cancel/?email=c{n}@example.test"
        return client.post(path, content_type="application/json")

    results = run_clients(10, request, workers=10)

    assert Counter(status for status, _ in results) == {200: 10}, results
    assert ClassSession.objects.get(pk=full_class.pk).taken == 10
    statuses = dict(
        Enrollment.objects.filter(pk__in=[e.pk for e in waiting]).values_list("pk", "status")
    )
    assert [statuses[e.pk] for e in waiting] == ["booked"] * 10 + ["waitlisted"] * 5
