"""Owner-side classes API through the whole stack (test client on alpha's host, real
PostgreSQL): class types, sessions and series, edits, cancellation, rosters, enrollments,
attendance, settings; roles; other studios' ids."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.classes.models import (
    ClassSeries,
    ClassSession,
    ClassSettings,
    ClassType,
    Enrollment,
    EnrollmentStatus,
)
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification, NotificationKind
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make

LONDON = ZoneInfo("Europe/London")
PROBLEM = "application/problem+json"


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def member(tenant: Tenant, role: str) -> User:
    user = User.objects.create_user(
        f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=f"{role.title()} Person"
    )
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def send(client: TenantClient, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    kwargs: dict[str, Any] = dict(extra)
    if body is not None and method != "get":
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


@pytest.fixture
def owner(alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


@pytest.fixture
def pilates(in_alpha):
    return class_type_make("Mat Pilates", capacity=2)


@pytest.fixture
def session(pilates):
    return session_make(class_type=pilates, start=at(monday(), 18))


# --- class types --------------------------------------------------------------------------------


def test_owner_creates_lists_changes_and_deletes_a_class_type(owner, in_alpha):
    teacher = StaffMemberFactory(display_name="Tess")
    response = send(
        owner,
        "post",
        "/api/v1/class-types/",
        {
            "name": "Vinyasa Yoga",
            "duration_minutes": 75,
            "capacity": 16,
            "default_instructor": teacher.pk,
            "price": "14.00",
            "level": "beginner",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    class_type = ClassType.objects.get()
    assert body["id"] == class_type.pk
    assert (body["currency"], body["credits"], body["level"], body["default_instructor"]) == (
        "GBP",
        1,
        "beginner",
        teacher.pk,
    )
    listed = send(owner, "get", "/api/v1/class-types/?level=beginner&ordering=-name").json()
    assert [t["name"] for t in listed["results"]] == ["Vinyasa Yoga"]
    assert send(owner, "get", "/api/v1/class-types/?level=advanced").json()["count"] == 0
    patched = send(owner, "patch", f"/api/v1/class-types/{class_type.pk}/", {"capacity": 20})
    assert patched.json()["capacity"] == 20
    assert send(owner, "delete", f"/api/v1/class-types/{class_type.pk}/").status_code == 204
    assert not ClassType.objects.exists()


def test_class_type_field_errors(owner, in_alpha):
    response = send(
        owner, "post", "/api/v1/class-types/", {"name": "", "duration_minutes": 2, "capacity": 0}
    )
    body = problem(response, 422, "validation_error")
    assert set(body["errors"]) == {"name", "duration_minutes", "capacity"}
    assert not ClassType.objects.exists()


def test_a_class_type_with_sessions_cannot_be_deleted(owner, session):
    response = send(owner, "delete", f"/api/v1/class-types/{session.class_type_id}/")
    problem(response, 409, "class_type_in_use")


# --- sessions -----------------------------------------------------------------------------------


def test_list_sessions_in_a_range_with_filters(owner, session, pilates):
    other = session_make(class_type=class_type_make("Barre"), start=at(monday(), 9))
    day = monday().isoformat()
    body = send(owner, "get", f"/api/v1/class-sessions/?start={day}&end={day}").json()
    assert [s["id"] for s in body["results"]] == [other.pk, session.pk]
    first = body["results"][1]
    assert first["class_type"] == {
        "id": pilates.pk,
        "name": "Mat Pilates",
        "color": "#2f9e8f",
        "level": "all",
    }
    assert (first["start"], first["capacity"], first["taken"], first["waitlisted"]) == (
        utc(at(monday(), 18)),
        2,
        0,
        0,
    )
    filtered = send(
        owner, "get", f"/api/v1/class-sessions/?start={day}&end={day}&class_type={pilates.pk}"
    ).json()
    assert [s["id"] for s in filtered["results"]] == [session.pk]
    ordered = send(
        owner, "get", f"/api/v1/class-sessions/?start={day}&end={day}&ordering=-start"
    ).json()
    assert [s["id"] for s in ordered["results"]] == [session.pk, other.pk]


def test_session_list_needs_a_sane_range(owner, in_alpha):
    problem(send(owner, "get", "/api/v1/class-sessions/"), 422, "validation_error")
    body = problem(
        send(owner, "get", "/api/v1/class-sessions/?start=2026-01-01&end=2026-12-31"),
        422,
        "validation_error",
    )
    assert body["errors"] == {"end": ["Ask for at most 92 days at a time."]}


def test_owner_schedules_a_session_and_a_series(owner, pilates):
    start = at(monday(), 7)
    response = send(
        owner,
        "post",
        "/api/v1/class-sessions/",
        {"class_type": pilates.pk, "start": start.isoformat()},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["end"], response.json()["waitlisted"]) == (
        utc(start + timedelta(hours=1)),
        0,
    )
    series = send(
        owner,
        "post",
        "/api/v1/class-series/",
        {"class_type": pilates.pk, "first_start": at(monday(), 12).isoformat(), "count": 3},
    )
    assert series.status_code == 201, series.content
    body = series.json()
    assert body["count"] == 3
    assert [s["start"] for s in body["sessions"]] == [
        utc(at(monday() + timedelta(weeks=w), 12)) for w in range(3)
    ]
    assert ClassSeries.objects.count() == 1
    assert ClassSession.objects.count() == 4


def test_scheduling_errors(owner, pilates):
    naive = send(
        owner,
        "post",
        "/api/v1/class-sessions/",
        {"class_type": pilates.pk, "start": "2030-01-01T10:00"},
    )
    assert set(problem(naive, 422, "validation_error")["errors"]) == {"start"}
    start = at(monday(), 18).isoformat()
    send(owner, "post", "/api/v1/class-sessions/", {"class_type": pilates.pk, "start": start})
    busy = send(
        owner, "post", "/api/v1/class-sessions/", {"class_type": pilates.pk, "start": start}
    )
    problem(busy, 409, "instructor_busy")
    endless = send(
        owner, "post", "/api/v1/class-series/", {"class_type": pilates.pk, "first_start": start}
    )
    assert set(problem(endless, 422, "validation_error")["errors"]) == {"repeat_until"}
    assert ClassSession.objects.count() == 1


def test_patch_this_and_following(owner, pilates):
    first = at(monday(), 12)
    created = send(
        owner,
        "post",
        "/api/v1/class-series/",
        {"class_type": pilates.pk, "first_start": first.isoformat(), "count": 3},
    ).json()
    second_id = created["sessions"][1]["id"]
    response = send(
        owner,
        "patch",
        f"/api/v1/class-sessions/{second_id}/",
        {"scope": "following", "start": (at(monday(), 13) + timedelta(weeks=1)).isoformat()},
    )
    assert response.status_code == 200, response.content
    assert [s["start"] for s in response.json()["sessions"]] == [
        utc(at(monday() + timedelta(weeks=w), 13)) for w in (1, 2)
    ]
    assert ClassSession.objects.get(pk=created["sessions"][0]["id"]).start == first
    bad = send(owner, "patch", f"/api/v1/class-sessions/{second_id}/", {"scope": "all"})
    assert set(problem(bad, 422, "validation_error")["errors"]) == {"scope"}


def test_cancel_a_session(owner, session):
    customer = CustomerFactory()
    send(
        owner,
        "post",
        f"/api/v1/class-sessions/{session.pk}/enrollments/",
        {"customer": customer.pk},
    )
    missing = send(owner, "post", f"/api/v1/class-sessions/{session.pk}/cancel/", {})
    assert set(problem(missing, 422, "validation_error")["errors"]) == {"reason"}
    response = send(
        owner, "post", f"/api/v1/class-sessions/{session.pk}/cancel/", {"reason": "Flooded"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["taken"]) == ("cancelled", 0)
    assert (
        Notification.objects.filter(
            kind=NotificationKind.CLASS_SESSION_CANCELLED, recipient_email=customer.email
        ).count()
        == 1
    )
    again = send(owner, "post", f"/api/v1/class-sessions/{session.pk}/cancel/", {"reason": "x"})
    problem(again, 409, "session_cancelled")


# --- enrollments --------------------------------------------------------------------------------


def test_book_roster_and_waitlist_positions(owner, session):
    path = f"/api/v1/class-sessions/{session.pk}/enrollments/"
    first = send(owner, "post", path, {"new_customer": {"name": "Ada", "email": "ada@x.test"}})
    assert first.status_code == 201, first.content
    assert (first.json()["status"], first.json()["waitlist_position"]) == ("booked", None)
    assert Customer.objects.get(email="ada@x.test").full_name == "Ada"
    send(owner, "post", path, {"customer": CustomerFactory().pk})
    waiting = [send(owner, "post", path, {"customer": CustomerFactory().pk}) for _ in range(2)]
    assert [(w.json()["status"], w.json()["waitlist_position"]) for w in waiting] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    roster = send(owner, "get", path).json()
    assert [(r["status"], r["waitlist_position"]) for r in roster["results"]] == [
        ("booked", None),
        ("booked", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    only_waiting = send(owner, "get", f"{path}?status=waitlisted&limit=1").json()
    assert (only_waiting["count"], len(only_waiting["results"])) == (2, 1)
    full = send(owner, "post", path, {"customer": CustomerFactory().pk, "join_waitlist": False})
    problem(full, 409, "class_full")
    twice = send(owner, "post", path, {"customer": first.json()["customer"]["id"]})
    problem(twice, 409, "already_enrolled")
    neither = send(owner, "post", path, {"spots": 1})
    assert set(problem(neither, 422, "validation_error")["errors"]) == {"customer"}
    credits = send(owner, "post", path, {"customer": CustomerFactory().pk, "payment": "online"})
    assert set(problem(credits, 422, "validation_error")["errors"]) == {"payment"}
    assert Enrollment.objects.count() == 4


def test_booking_with_credits_but_none_left_is_a_conflict(owner, session):
    path = f"/api/v1/class-sessions/{session.pk}/enrollments/"
    response = send(owner, "post", path, {"customer": CustomerFactory().pk, "payment": "credits"})
    problem(response, 409, "insufficient_credits")
    assert ClassSession.objects.get(pk=session.pk).taken == 0
    assert not Enrollment.objects.exists()


def test_cancel_promotes_and_attendance_is_too_early(owner, session):
    path = f"/api/v1/class-sessions/{session.pk}/enrollments/"
    booked = send(owner, "post", path, {"customer": CustomerFactory().pk}).json()
    send(owner, "post", path, {"customer": CustomerFactory().pk})
    waiting = send(owner, "post", path, {"customer": CustomerFactory().pk}).json()
    cancelled = send(
        owner, "post", f"/api/v1/enrollments/{booked['id']}/cancel/", {"reason": "Ill"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert Enrollment.objects.get(pk=waiting["id"]).status == EnrollmentStatus.BOOKED
    early = send(owner, "post", f"/api/v1/enrollments/{waiting['id']}/check-in/")
    problem(early, 409, "attendance_too_early")
    no_show = send(owner, "post", f"/api/v1/enrollments/{waiting['id']}/no-show/")
    problem(no_show, 409, "attendance_too_early")
    again = send(owner, "post", f"/api/v1/enrollments/{booked['id']}/cancel/", {})
    problem(again, 409, "invalid_transition")


def test_check_in_no_show_and_walk_in_once_the_class_is_near(owner, pilates):
    soon = session_make(class_type=pilates, start=timezone.now() + timedelta(minutes=10))
    path = f"/api/v1/class-sessions/{soon.pk}/enrollments/"
    one = send(owner, "post", path, {"customer": CustomerFactory().pk}).json()
    two = send(owner, "post", path, {"customer": CustomerFactory().pk}).json()
    checked = send(owner, "post", f"/api/v1/enrollments/{one['id']}/check-in/")
    assert checked.json()["status"] == "attended"
    assert send(owner, "post", f"/api/v1/enrollments/{two['id']}/no-show/").json()["status"] == (
        "no_show"
    )
    walk_in = send(
        owner,
        "post",
        f"/api/v1/class-sessions/{soon.pk}/walk-ins/",
        {"customer": CustomerFactory().pk},
    )
    problem(walk_in, 409, "class_full")


def test_settings_get_and_put(owner, in_alpha):
    assert send(owner, "get", "/api/v1/class-settings/").json()["waitlist_mode"] == "automatic"
    body = {
        "waitlist_mode": "offer",
        "claim_window_minutes": 30,
        "close_window_hours": 1,
        "late_cancel_hours": 6,
        "late_cancel_forfeits_credit": False,
    }
    response = send(owner, "put", "/api/v1/class-settings/", body)
    assert response.status_code == 200, response.content
    saved = ClassSettings.objects.get()
    assert (saved.waitlist_mode, saved.claim_window_minutes, saved.late_cancel_hours) == (
        "offer",
        30,
        6,
    )
    bad = send(owner, "put", "/api/v1/class-settings/", {**body, "claim_window_minutes": 1})
    assert set(problem(bad, 422, "validation_error")["errors"]) == {"claim_window_minutes"}


# --- roles and studios --------------------------------------------------------------------------


def test_staff_read_and_run_only_their_own_roster(alpha_client, alpha, session, pilates):
    user = member(alpha, "staff")
    alpha_client.force_login(user)
    day = monday().isoformat()
    listed = send(alpha_client, "get", f"/api/v1/class-sessions/?start={day}&end={day}")
    assert listed.json()["count"] == 1
    path = f"/api/v1/class-sessions/{session.pk}/enrollments/"
    problem(
        send(alpha_client, "post", path, {"customer": CustomerFactory().pk}),
        403,
        "class_change_denied",
    )
    problem(
        send(
            alpha_client,
            "post",
            "/api/v1/class-sessions/",
            {"class_type": pilates.pk, "start": at(monday(), 6).isoformat()},
        ),
        403,
        "class_change_denied",
    )
    problem(send(alpha_client, "put", "/api/v1/class-settings/", {}), 403, "class_change_denied")
    assert send(alpha_client, "post", "/api/v1/class-types/", {"name": "x"}).status_code == 403
    # Once the class is theirs, they run its roster.
    instructor = session.instructor
    instructor.user_id = user.pk
    instructor.save(update_fields=["user"])
    booked = send(alpha_client, "post", path, {"customer": CustomerFactory().pk})
    assert booked.status_code == 201, booked.content
    assert ClassSession.objects.get(pk=session.pk).taken == 1


def test_anonymous_is_refused(alpha_client, session):
    response = send(alpha_client, "get", f"/api/v1/class-sessions/{session.pk}/")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_betas_ids_do_not_exist_on_alphas_host(owner, beta, in_alpha):
    connection.set_tenant(beta)
    beta_type = class_type_make("Beta class", currency="USD")
    beta_session = session_make(class_type=beta_type, start=at(monday(), 18))
    beta_enrollment = Enrollment.objects.create(
        reference="BETA2345",
        session=beta_session,
        customer=CustomerFactory(),
        status=EnrollmentStatus.BOOKED,
        currency="USD",
        source="owner_app",
    )
    connection.set_schema_to_public()
    for method, path in (
        ("get", f"/api/v1/class-types/{beta_type.pk}/"),
        ("get", f"/api/v1/class-sessions/{beta_session.pk}/"),
        ("patch", f"/api/v1/class-sessions/{beta_session.pk}/"),
        ("post", f"/api/v1/class-sessions/{beta_session.pk}/cancel/"),
        ("get", f"/api/v1/class-sessions/{beta_session.pk}/enrollments/"),
        ("post", f"/api/v1/enrollments/{beta_enrollment.pk}/cancel/"),
        ("post", f"/api/v1/enrollments/{beta_enrollment.pk}/check-in/"),
    ):
        response = send(owner, method, path, {"reason": "x"})
        assert response.status_code == 404, (path, response.content)
        assert response["Content-Type"] == PROBLEM
