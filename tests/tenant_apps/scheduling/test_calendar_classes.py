"""The calendar's group classes (/app/calendar/classes/): what a session looks like on the owner's
calendar, who sees which, the range rules, and one query however many sessions there are.

Through the whole stack on alpha's host (Europe/London); seats and waitlists are filled by the
real booking service.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tenant_apps.classes.services import class_session_cancel, enrollment_book
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make
from tests.tenant_apps.catalog.views_support import client_as, people_create
from tests.tenant_apps.scheduling.test_calendar_views import config_of

URL = "/app/calendar/classes/"
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2030, 6, 3).date()  # BST: London is UTC+1
DAY = {"start": "2030-06-03", "end": "2030-06-03"}


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=days), time(hour, minute), LONDON)


def book(session: ClassSession, name: str) -> Enrollment:
    return enrollment_book(
        session=session,
        customer=CustomerFactory(full_name=name),
        payment=EnrollmentPayment.AT_STUDIO,
        source=EnrollmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
    )


@pytest.fixture
def who(in_alpha, beta):  # type: ignore[no-untyped-def]
    return people_create(in_alpha, beta)


@pytest.fixture
def classes(in_alpha: Tenant) -> dict[str, Any]:
    """Ann teaches Reformer Flow at 18:00 (2 seats: both taken, 2 waiting) and Mat at 09:00;
    Ben teaches a Mat at 12:00 that was booked and then cancelled, and one on the next day."""
    ann = StaffMemberFactory(display_name="Ann Lee")
    ben = StaffMemberFactory(display_name="Ben Ode")
    flow = class_type_make(
        name="Reformer Flow", capacity=2, default_instructor=ann, color="#7c3aed"
    )
    mat = class_type_make(name="Mat", default_instructor=ann, duration_minutes=45)
    evening = session_make(class_type=flow, start=at(18))
    for name in ("Amy Seat", "Bo Seat", "Cy Wait", "Di Wait"):
        book(evening, name)
    morning = session_make(class_type=mat, start=at(9))
    noon = session_make(class_type=mat, start=at(12), instructor=ben)
    book(noon, "Ed Gone")
    class_session_cancel(
        session=noon, reason="Teacher ill", actor=Actor(label="Desk"), now=timezone.now()
    )
    tomorrow = session_make(class_type=mat, start=at(12, days=1), instructor=ben)
    evening.refresh_from_db()
    return {
        "ann": ann,
        "ben": ben,
        "flow": flow,
        "mat": mat,
        "evening": evening,
        "morning": morning,
        "noon": noon,
        "tomorrow": tomorrow,
    }


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["sessions"]]


def test_a_class_with_seats_and_a_waitlist_as_the_calendar_draws_it(classes, who, alpha):
    evening = classes["evening"]
    assert evening.taken == 2
    assert (
        Enrollment.objects.filter(session=evening, status=EnrollmentStatus.WAITLISTED).count() == 2
    )

    response = client_as(alpha, who.owner).get(URL, DAY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["start"] == "2030-06-03T00:00:00+01:00"
    assert body["end"] == "2030-06-04T00:00:00+01:00"
    sessions = body["sessions"]
    assert [s["id"] for s in sessions] == [
        classes["morning"].pk,
        classes["noon"].pk,
        evening.pk,
    ]
    assert sessions[2] == {
        "id": evening.pk,
        "start": "2030-06-03T17:00:00Z",
        "end": "2030-06-03T18:00:00Z",
        "instructor": {"id": classes["ann"].pk, "name": "Ann Lee"},
        "class_type": {"id": classes["flow"].pk, "name": "Reformer Flow", "color": "#7c3aed"},
        "capacity": 2,
        "taken": 2,
        "waitlisted": 2,
        "status": "scheduled",
        "url": f"/app/classes/sessions/{evening.pk}/",
    }
    # The cancelled one is there too (the calendar strikes it through), its people let go.
    assert sessions[1] == {
        "id": classes["noon"].pk,
        "start": "2030-06-03T11:00:00Z",
        "end": "2030-06-03T11:45:00Z",
        "instructor": {"id": classes["ben"].pk, "name": "Ben Ode"},
        "class_type": {"id": classes["mat"].pk, "name": "Mat", "color": "#2f9e8f"},
        "capacity": 12,
        "taken": 0,
        "waitlisted": 0,
        "status": "cancelled",
        "url": f"/app/classes/sessions/{classes['noon'].pk}/",
    }
    assert sessions[0]["waitlisted"] == 0
    # The link is the class's own owner page.
    page = client_as(alpha, who.owner).get(sessions[2]["url"])
    assert page.status_code == 200
    assert "Reformer Flow" in page.content.decode()


def test_the_range_takes_sessions_that_overlap_it_only(classes, who, alpha):
    client = client_as(alpha, who.owner)
    evening = classes["evening"]

    # 17:30-18:00 London only touches the evening class (18:00-19:00): it is out;
    # 18:59-19:30 overlaps its last minute.
    touching = client.get(URL, {"start": "2030-06-03T17:30:00+01:00", "end": at(18).isoformat()})
    last_minute = client.get(URL, {"start": "2030-06-03T18:59:00+01:00", "end": "2030-06-03T19:30"})
    two_days = client.get(URL, {"start": "2030-06-03", "end": "2030-06-04"})

    assert ids(touching) == []
    assert ids(last_minute) == [evening.pk]
    assert ids(two_days) == [
        classes["morning"].pk,
        classes["noon"].pk,
        evening.pk,
        classes["tomorrow"].pk,
    ]


def test_owners_filter_by_staff_and_staff_see_the_classes_they_teach(classes, who, alpha):
    StaffMember.objects.filter(pk=classes["ben"].pk).update(user=who.staff)
    owner = client_as(alpha, who.owner)
    manager = client_as(alpha, who.manager)
    staff = client_as(alpha, who.staff)

    assert ids(owner.get(URL, {**DAY, "staff": classes["ben"].pk})) == [classes["noon"].pk]
    assert len(ids(manager.get(URL, DAY))) == 3
    assert ids(staff.get(URL, DAY)) == [classes["noon"].pk]
    assert ids(staff.get(URL, {**DAY, "staff": classes["ben"].pk})) == [classes["noon"].pk]
    refused = staff.get(URL, {**DAY, "staff": classes["ann"].pk})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "staff": ["Choose one of the staff members shown on your calendar."]
    }


def test_staff_without_a_linked_profile_see_no_classes(classes, who, alpha):
    assert ids(client_as(alpha, who.staff).get(URL, DAY)) == []


def test_anonymous_visitors_go_to_sign_in_and_other_studios_get_a_404(classes, who, alpha):
    anonymous = client_as(alpha, None).get(URL, DAY)
    outsider = client_as(alpha, who.outsider).get(URL, DAY)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/app/calendar/classes/")
    assert outsider.status_code == 404
    assert client_as(alpha, who.owner).post(URL, DAY).status_code == 405


def test_another_studios_classes_never_appear(classes, who, alpha, beta):
    connection.set_tenant(beta)
    beta_class = class_type_make(name="Beta Only Barre")
    session_make(class_type=beta_class, start=at(10))
    connection.set_tenant(alpha)

    body = client_as(alpha, who.owner).get(URL, DAY).json()

    assert [s["class_type"]["name"] for s in body["sessions"]] == ["Mat", "Mat", "Reformer Flow"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({}, ["end", "start"]),
        ({"start": "2030-06-03"}, ["end"]),
        ({"start": "2030-06-03", "end": "tomorrow"}, ["end"]),
        ({"start": "03/06/2030", "end": "2030-06-04"}, ["start"]),
        ({"start": "2030-06-03", "end": "2030-06-01"}, ["end"]),
        ({"start": "2030-01-01", "end": "2030-12-31"}, ["end"]),
        ({**DAY, "staff": "999999"}, ["staff"]),
        ({**DAY, "staff": "abc"}, ["staff"]),
        ({"start": "nope", "end": "2030-06-03", "staff": "abc"}, ["staff", "start"]),
    ],
)
def test_bad_queries_are_422_problems(classes, who, alpha, query, fields):
    with CaptureQueriesContext(connection) as queries:
        response = client_as(alpha, who.owner).get(URL, query)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert sorted(body["errors"]) == fields
    assert not [q for q in queries.captured_queries if "classes_classsession" in q["sql"]]


def test_one_query_reads_the_sessions_for_one_or_thirty(in_alpha, who):
    ann = StaffMemberFactory(display_name="Ann Lee")
    flow = class_type_make(name="Reformer Flow", capacity=3, default_instructor=ann)
    first = session_make(class_type=flow, start=at(7))
    book(first, "Amy Seat")
    client = client_as(in_alpha, who.owner)
    client.get(URL, DAY)  # warm the host and session caches

    def count() -> tuple[int, int, list[dict[str, Any]]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, DAY)
        assert response.status_code == 200, response.content
        reads = [q for q in queries.captured_queries if "classes_" in q["sql"]]
        return len(queries), len(reads), response.json()["sessions"]

    one_total, one_reads, one = count()
    # 29 more, each with its own instructor, type and waitlist, on the same day.
    for n in range(29):
        kind = class_type_make(name=f"Class {n:02d}", capacity=1)
        session = session_make(class_type=kind, start=at(7) + timedelta(minutes=15 * n))
        book(session, f"Seat {n}")
        book(session, f"Wait {n}")
    thirty_total, thirty_reads, thirty = count()

    assert (len(one), len(thirty)) == (1, 30)
    assert one_reads == thirty_reads == 1
    assert one_total == thirty_total
    assert {(s["taken"], s["waitlisted"]) for s in thirty[1:]} == {(1, 1)}
    assert (thirty[0]["taken"], thirty[0]["waitlisted"]) == (1, 0)


def test_the_page_tells_the_script_where_the_classes_are(in_alpha, who):
    StaffMemberFactory(display_name="Ann Lee")
    for person in (who.owner, who.manager):
        config = config_of(client_as(in_alpha, person).get("/app/calendar/"))
        assert config["urls"]["classes"] == URL


def test_times_are_utc_whatever_the_studio_zone(classes, who, alpha):
    # A winter class: London is on GMT, the offset is gone but the Z stays.
    winter = session_make(class_type=classes["mat"], start=datetime(2030, 1, 7, 9, tzinfo=UTC))

    body = client_as(alpha, who.owner).get(URL, {"start": "2030-01-07", "end": "2030-01-07"}).json()

    assert [(s["id"], s["start"], s["end"]) for s in body["sessions"]] == [
        (winter.pk, "2030-01-07T09:00:00Z", "2030-01-07T09:45:00Z")
    ]
    assert body["start"] == "2030-01-07T00:00:00+00:00"
