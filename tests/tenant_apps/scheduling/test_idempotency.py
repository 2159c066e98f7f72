"""Idempotency-Key on the booking endpoints (public POST bookings, owner POST appointments).

Concurrent requests with one key are in test_concurrency.py (they need committed data).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.idempotency import idempotency_records_purge
from tenant_apps.scheduling.models import Appointment, AppointmentStatus, IdempotencyRecord
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

LONDON = ZoneInfo("Europe/London")
PROBLEM = "application/problem+json"
BOOKINGS = "/api/v1/public/bookings/"
APPOINTMENTS = "/api/v1/appointments/"


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def post(client: TenantClient, path: str, body: Any, key: str | None) -> Any:
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


@pytest.fixture
def setup(in_alpha: Tenant) -> dict[str, Any]:
    ann = StaffMemberFactory(display_name="Ann")
    weekly_hours_set(ann)
    service = ServiceFactory(name="Massage", performers=[ann])
    return {"ann": ann, "service": service}


def public_body(setup: dict[str, Any], when: datetime, **overrides: Any) -> dict[str, Any]:
    body = {
        "service": setup["service"].pk,
        "staff": setup["ann"].pk,
        "start": when.isoformat(),
        "name": "Pat Doe",
        "email": "pat@example.test",
    }
    body.update(overrides)
    return body


def test_the_same_key_and_body_replays_the_first_answer_and_books_once(setup, alpha_client):
    body = public_body(setup, at(monday(), 10))
    first = post(alpha_client, BOOKINGS, body, "key-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    second = post(alpha_client, BOOKINGS, dict(reversed(body.items())), "key-1")  # key order
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1
    assert Customer.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.scope, record.key, record.response_status) == ("public:bookings", "key-1", 201)
    assert record.response_body == first.json()


def test_the_same_key_with_another_body_is_a_422_and_writes_nothing(setup, alpha_client):
    day = monday()
    assert post(alpha_client, BOOKINGS, public_body(setup, at(day, 10)), "key-2").status_code == 201
    other = public_body(setup, at(day, 13), email="someone@example.test")
    body = problem(post(alpha_client, BOOKINGS, other, "key-2"), 422, "idempotency_key_reused")
    assert body["errors"] == {"Idempotency-Key": ["Already used with a different request body."]}
    assert Appointment.objects.count() == 1
    assert not Customer.objects.filter(email="someone@example.test").exists()
    assert IdempotencyRecord.objects.count() == 1


def test_a_refusal_is_replayed_too_even_after_the_time_frees_up(setup, alpha_client):
    day = monday()
    taken = post(alpha_client, BOOKINGS, public_body(setup, at(day, 10)), None).json()
    body = public_body(setup, at(day, 10), email="late@example.test")
    first = post(alpha_client, BOOKINGS, body, "key-3")
    first_problem = problem(first, 409, "slot_taken")
    assert not Customer.objects.filter(email="late@example.test").exists()
    Appointment.objects.filter(reference=taken["reference"]).update(
        status=AppointmentStatus.CANCELLED
    )
    again = post(alpha_client, BOOKINGS, body, "key-3")
    assert problem(again, 409, "slot_taken") == first_problem
    assert again["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1
    # A new key is a new attempt: the time is free now.
    assert post(alpha_client, BOOKINGS, body, "key-4").status_code == 201


def test_a_request_refused_before_booking_is_not_stored(setup, alpha_client):
    """Malformed input never reached the booking: the corrected request may use the key."""
    body = public_body(setup, at(monday(), 10))
    problem(
        post(alpha_client, BOOKINGS, {**body, "email": "nope"}, "key-5"), 422, "validation_error"
    )
    assert IdempotencyRecord.objects.count() == 0
    assert post(alpha_client, BOOKINGS, body, "key-5").status_code == 201


@pytest.mark.parametrize("key", ["", "has space", "x" * 201, "naïve"])
def test_malformed_keys_are_a_422_on_the_header(setup, alpha_client, key):
    response = post(alpha_client, BOOKINGS, public_body(setup, at(monday(), 10)), key)
    body = problem(response, 422, "validation_error")
    assert list(body["errors"]) == ["Idempotency-Key"]
    assert Appointment.objects.count() == 0


def test_owner_bookings_are_idempotent_per_user(setup, alpha, alpha_client, alpha_owner):
    customer = CustomerFactory()
    day = monday()
    body = {
        "service": setup["service"].pk,
        "staff": setup["ann"].pk,
        "customer": customer.pk,
        "start": at(day, 10).isoformat(),
    }
    alpha_client.force_login(alpha_owner)
    first = post(alpha_client, APPOINTMENTS, body, "desk-1")
    assert first.status_code == 201, first.content
    second = post(alpha_client, APPOINTMENTS, body, "desk-1")
    assert (second.status_code, second.json()) == (201, first.json())
    assert Appointment.objects.count() == 1
    problem(
        post(alpha_client, APPOINTMENTS, {**body, "start": at(day, 12).isoformat()}, "desk-1"),
        422,
        "idempotency_key_reused",
    )
    # Another person's key space is their own.
    manager = User.objects.create_user("manager@alpha.test", TEST_PASSWORD, full_name="M")
    Membership.objects.create(user=manager, tenant=alpha, role="manager")
    alpha_client.force_login(manager)
    third = post(alpha_client, APPOINTMENTS, {**body, "start": at(day, 12).isoformat()}, "desk-1")
    assert third.status_code == 201, third.content
    assert Appointment.objects.count() == 2


def test_old_records_are_purged(setup, alpha_client):
    post(alpha_client, BOOKINGS, public_body(setup, at(monday(), 10)), "old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=2))
    post(alpha_client, BOOKINGS, public_body(setup, at(monday(), 12)), "new")
    assert idempotency_records_purge(older_than=timezone.now() - timedelta(days=1)) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
