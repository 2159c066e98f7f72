"""Public classes API (no sign-in): the schedule, booking or joining the waitlist, looking up
and cancelling one's own enrollment; idempotency; nothing about other customers."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.classes.models import ClassSession, Enrollment, EnrollmentStatus
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification, NotificationKind
from tests.factories.classes import class_type_make, session_make

LONDON = ZoneInfo("Europe/London")
PROBLEM = "application/problem+json"
CLASSES = "/api/v1/public/classes/"
ENROLL = "/api/v1/public/enrollments/"


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


def post(client: TenantClient, path: str, body: Any = None, **extra: Any) -> Any:
    return client.post(path, data=json.dumps(body or {}), content_type="application/json", **extra)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


@pytest.fixture
def session(in_alpha):
    return session_make(
        class_type=class_type_make("Reformer Flow", capacity=2), start=at(monday(), 18)
    )


def _enroll(client, session, name="Ann", email="ann@example.test", **kw):
    body = {"session": session.pk, "name": name, "email": email, **kw}
    return post(client, ENROLL, body)


def test_schedule_shows_seats_left_and_waitlist_length_only(alpha_client, session):
    yoga = session_make(class_type=class_type_make("Yoga", level="beginner"), start=at(monday(), 9))
    _enroll(alpha_client, session)
    day = monday().isoformat()
    response = alpha_client.get(f"{CLASSES}?start={day}&end={day}")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["id"] for r in rows] == [yoga.pk, session.pk]
    reformer = rows[1]
    assert (reformer["spots_left"], reformer["is_full"], reformer["waitlist_length"]) == (
        1,
        False,
        0,
    )
    assert reformer["start_local"] == at(monday(), 18).isoformat()
    assert set(reformer) == {
        "id",
        "class_type",
        "instructor",
        "start",
        "end",
        "start_local",
        "capacity",
        "spots_left",
        "is_full",
        "waitlist_length",
        "price",
        "currency",
        "credits",
    }
    assert "ann@example.test" not in response.content.decode()
    beginners = alpha_client.get(f"{CLASSES}?start={day}&level=beginner").json()
    assert [r["id"] for r in beginners] == [yoga.pk]
    by_type = alpha_client.get(f"{CLASSES}?start={day}&class_type={session.class_type_id}").json()
    assert [r["id"] for r in by_type] == [session.pk]


def test_schedule_query_errors(alpha_client, in_alpha):
    problem(alpha_client.get(CLASSES), 422, "validation_error")
    body = problem(
        alpha_client.get(f"{CLASSES}?start=2030-01-01&end=2029-12-01&tz=Mars/Base"),
        422,
        "validation_error",
    )
    assert set(body["errors"]) == {"tz"}


def test_book_then_waitlist_then_lookup_and_cancel(alpha_client, session):
    first = _enroll(alpha_client, session, spots=2, note="New here")
    assert first.status_code == 201, first.content
    booked = first.json()
    assert (booked["status"], booked["spots"], booked["waitlist_position"]) == ("booked", 2, None)
    assert booked["session"]["class_name"] == "Reformer Flow"
    second = _enroll(alpha_client, session, name="Bea", email="bea@example.test")
    assert (second.status_code, second.json()["status"], second.json()["waitlist_position"]) == (
        201,
        "waitlisted",
        1,
    )
    reference = second.json()["reference"]
    lookup = alpha_client.get(f"{ENROLL}{reference}/?email=BEA@example.test")
    assert lookup.json()["waitlist_position"] == 1
    wrong = alpha_client.get(f"{ENROLL}{reference}/?email=ann@example.test")
    problem(wrong, 404, "enrollment_not_found")
    # Ann cancels: Bea moves into the class.
    cancelled = post(alpha_client, f"{ENROLL}{booked['reference']}/cancel/?email=ann@example.test")
    assert cancelled.json()["status"] == "cancelled"
    assert alpha_client.get(f"{ENROLL}{reference}/?email=bea@example.test").json()["status"] == (
        "booked"
    )
    again = post(alpha_client, f"{ENROLL}{booked['reference']}/cancel/?email=ann@example.test")
    problem(again, 409, "invalid_transition")
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {
        NotificationKind.CLASS_BOOKED,
        NotificationKind.CLASS_WAITLISTED,
        NotificationKind.CLASS_ENROLLMENT_CANCELLED,
        NotificationKind.CLASS_PROMOTED,
    }


def test_booking_errors_write_nothing(alpha_client, session):
    _enroll(alpha_client, session, spots=2)
    full = _enroll(alpha_client, session, name="Bea", email="bea@example.test", join_waitlist=False)
    problem(full, 409, "class_full")
    twice = _enroll(alpha_client, session)
    problem(twice, 409, "already_enrolled")
    unknown = post(alpha_client, ENROLL, {"session": 999999, "name": "X", "email": "x@x.test"})
    assert problem(unknown, 422, "validation_error")["errors"] == {
        "session": ["There is no class with this id."]
    }
    fields = post(
        alpha_client, ENROLL, {"session": "abc", "name": " ", "email": "nope", "spots": 0}
    )
    assert set(problem(fields, 422, "validation_error")["errors"]) == {
        "session",
        "name",
        "email",
        "spots",
    }
    ClassSession.objects.filter(pk=session.pk).update(status="cancelled")
    gone = _enroll(alpha_client, session, name="Cy", email="cy@example.test")
    problem(gone, 409, "session_not_bookable")
    assert Enrollment.objects.count() == 1
    assert list(Customer.objects.values_list("email", flat=True)) == ["ann@example.test"]


def test_idempotency_key_books_once(alpha_client, session):
    body = {"session": session.pk, "name": "Ann", "email": "ann@example.test"}
    first = post(alpha_client, ENROLL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    replay = post(alpha_client, ENROLL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Enrollment.objects.filter(status=EnrollmentStatus.BOOKED).count() == 1
    assert ClassSession.objects.get(pk=session.pk).taken == 1
    other = post(alpha_client, ENROLL, {**body, "spots": 2}, HTTP_IDEMPOTENCY_KEY="k-1")
    problem(other, 422, "idempotency_key_reused")


def test_public_booking_is_rate_limited(alpha_client, session, settings):
    settings.PUBLIC_BOOKING_RATE_PER_MINUTE = 2
    _enroll(alpha_client, session)
    _enroll(alpha_client, session, email="b@example.test")
    limited = _enroll(alpha_client, session, email="c@example.test")
    problem(limited, 429, "rate_limited")
    assert Enrollment.objects.count() == 2


def test_enrollment_json_is_what_the_documented_serializer_renders(in_alpha, session):
    """The public enrollment answers are built by hand for speed; they must stay byte for byte
    what PublicEnrollmentSerializer (the OpenAPI schema) renders, in any active zone."""
    from tenant_apps.classes import selectors
    from tenant_apps.classes.public_api import public_enrollment_json
    from tenant_apps.classes.public_serializers import PublicEnrollmentSerializer

    client = TenantClient(in_alpha)
    booked = _enroll(client, session, spots=2)
    waiting = _enroll(client, session, name="Bea", email="bea@example.test")
    assert (booked.status_code, waiting.status_code) == (201, 201)
    offered = Enrollment.objects.get(reference=waiting.json()["reference"])
    offered.offer_expires_at = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=LONDON)
    enrollments = [Enrollment.objects.get(reference=booked.json()["reference"]), offered]
    for zone in ("UTC", "Europe/London", "America/New_York"):
        with timezone.override(zone):
            for enrollment in enrollments:
                expected = PublicEnrollmentSerializer(
                    enrollment,
                    context={"waitlist_position": selectors.waitlist_position(enrollment)},
                ).data
                assert json.dumps(public_enrollment_json(enrollment)) == json.dumps(expected)
    assert public_enrollment_json(offered)["waitlist_position"] == 1
    assert public_enrollment_json(offered)["offer_expires_at"] == "2031-05-06T06:08:09.123456Z"
