"""The calendar page (/app/calendar/) and its shading endpoint (/app/calendar/shading/).

Through the whole stack on alpha's host (Europe/London). The shading is checked to the minute,
across a DST change, with date overrides and time off, in a constant number of queries.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.models import DateOverride, TimeOff
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD
from tests.factories.catalog import ServiceFactory, StaffMemberFactory, weekly_hours_set

LONDON = ZoneInfo("Europe/London")
PAGE = "/app/calendar/"
SHADING = "/app/calendar/shading/"


def member(tenant: Tenant, role: str) -> User:
    user = User.objects.create_user(
        f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=f"{role.title()} Person"
    )
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def config_of(response: Any) -> dict[str, Any]:
    content = response.content.decode()
    start = content.index('<script id="calendar-config" type="application/json">')
    start = content.index(">", start) + 1
    return dict(json.loads(content[start : content.index("</script>", start)]))


def utc(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), UTC).isoformat()


def london(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC).isoformat()


@pytest.fixture
def team(in_alpha: Tenant) -> dict[str, Any]:
    """Ann (9-17 Monday to Friday) and Ben (10-14 every day); Ann performs a massage."""
    ann = StaffMemberFactory(display_name="Ann", color="#112233")
    ben = StaffMemberFactory(display_name="Ben")
    weekly_hours_set(ann, days=range(5))
    weekly_hours_set(ben, start=10 * 60, end=14 * 60)
    massage = ServiceFactory(name="Massage", performers=[ann], duration_minutes=45)
    yoga = ServiceFactory(name="Yoga", performers=[ben], is_active=False)
    return {"ann": ann, "ben": ben, "massage": massage, "yoga": yoga}


# --- the page ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(alpha_client):
    for path in (PAGE, f"{SHADING}?start=2026-06-01&end=2026-06-01"):
        response = alpha_client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_members_of_another_studio_get_a_404(alpha_client, beta, beta_owner):
    alpha_client.force_login(beta_owner)
    assert alpha_client.get(PAGE).status_code == 404
    assert alpha_client.get(f"{SHADING}?start=2026-06-01&end=2026-06-01").status_code == 404


def test_owner_sees_every_staff_column_and_service(team, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get(PAGE)

    assert response.status_code == 200
    config = config_of(response)
    assert config["timezone"] == "Europe/London"
    assert config["canManage"] is True
    assert config["ownStaffId"] is None
    assert config["staff"] == [
        {
            "id": team["ann"].pk,
            "name": "Ann",
            "color": "#112233",
            "services": [team["massage"].pk],
        },
        {"id": team["ben"].pk, "name": "Ben", "color": "#4f6ef7", "services": [team["yoga"].pk]},
    ]
    assert [(s["name"], s["duration"], s["active"]) for s in config["services"]] == [
        ("Massage", 45, True),
        ("Yoga", 60, False),
    ]
    assert config["defaultStatuses"] == ["pending", "confirmed", "completed", "no_show"]
    assert config["urls"]["shading"] == SHADING
    content = response.content.decode()
    assert 'id="cal-staff"' in content  # the staff filter
    assert "vendor/event-calendar.min.js" in content
    assert 'aria-current="page"' in content and "Calendar" in content


def test_staff_see_only_their_own_column(team, alpha, alpha_client):
    user = member(alpha, "staff")
    StaffMember.objects.filter(pk=team["ben"].pk).update(user=user)
    alpha_client.force_login(user)

    config = config_of(alpha_client.get(PAGE))

    assert config["canManage"] is False
    assert config["ownStaffId"] == team["ben"].pk
    assert [s["id"] for s in config["staff"]] == [team["ben"].pk]


def test_staff_without_a_linked_profile_are_told_so(team, alpha, alpha_client):
    alpha_client.force_login(member(alpha, "staff"))

    response = alpha_client.get(PAGE)

    assert response.status_code == 200
    assert config_of(response)["staff"] == []
    assert "isn't linked to a staff profile" in response.content.decode()
    assert 'id="calendar"' not in response.content.decode()


def test_a_studio_without_staff_is_asked_to_add_them(in_alpha, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    content = alpha_client.get(PAGE).content.decode()
    assert "No staff yet" in content
    assert 'id="calendar"' not in content


def test_the_page_only_answers_get(team, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    assert alpha_client.post(PAGE).status_code == 405


# --- shading -----------------------------------------------------------------------------------


def test_shading_covers_the_time_outside_working_hours_per_staff(team, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    # A summer Monday and Tuesday in London (BST, UTC+1).
    monday = date(2030, 6, 3)

    body = alpha_client.get(f"{SHADING}?start={monday}&end={monday + timedelta(days=1)}").json()

    assert body["start"] == datetime.combine(monday, time(0), LONDON).isoformat()
    ann, ben = body["staff"]
    assert ann["id"] == team["ann"].pk
    tuesday = monday + timedelta(days=1)
    assert ann["closed"] == [
        {"start": london(monday, 0), "end": london(monday, 9)},
        {"start": london(monday, 17), "end": london(tuesday, 9)},
        {"start": london(tuesday, 17), "end": london(tuesday + timedelta(days=1), 0)},
    ]
    assert ann["time_off"] == []
    assert ben["closed"][1] == {"start": london(monday, 14), "end": london(tuesday, 10)}
    # Nobody works before 09:00, between 17:00 and 09:00, and after 17:00.
    assert body["nobody_works"] == ann["closed"]


def test_shading_follows_date_overrides_time_off_and_a_dst_change(team, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    ann = team["ann"]
    # Sunday 2030-03-31: London springs forward at 01:00 UTC. Ann works 9-17 on the Monday after.
    sunday = date(2030, 3, 31)
    monday = sunday + timedelta(days=1)
    DateOverride.objects.create(staff=ann, date=sunday, start_minute=0, end_minute=180)
    DateOverride.objects.create(staff=ann, date=monday)  # closed all day
    TimeOff.objects.create(
        staff=ann,
        start=datetime.combine(sunday, time(1, 30), UTC),
        end=datetime.combine(sunday, time(3, 0), UTC),
        reason="Dentist",
    )

    body = alpha_client.get(f"{SHADING}?start={sunday}&end={monday}&staff={ann.pk}").json()

    (shading,) = body["staff"]
    # Sunday 00:00-03:00 local is 00:00 GMT to 02:00 BST = 00:00-02:00 UTC: a 2-hour day.
    assert shading["closed"] == [{"start": utc(sunday, 2), "end": london(monday + timedelta(1), 0)}]
    assert shading["time_off"] == [
        {"start": utc(sunday, 1, 30), "end": utc(sunday, 3), "reason": "Dentist"}
    ]


def test_shading_takes_date_times_and_stays_at_three_queries(team, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    for i in range(8):
        weekly_hours_set(StaffMemberFactory(display_name=f"Extra {i}"))
    alpha_client.get(f"{SHADING}?start=2030-06-03&end=2030-06-03")  # warm sessions, caches

    def count(query: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = alpha_client.get(f"{SHADING}?{query}")
        assert response.status_code == 200, response.content
        return len(queries)

    one_day = count("start=2030-06-03T00:00:00&end=2030-06-04T00:00:00")
    month = count("start=2030-06-01&end=2030-06-30")
    assert one_day == month
    body = alpha_client.get(f"{SHADING}?start=2030-06-03T07:00:00Z&end=2030-06-03T09:00:00Z").json()
    assert len(body["staff"]) == 10
    day = date(2030, 6, 3)
    assert body["staff"][0]["closed"] == [{"start": utc(day, 7), "end": london(day, 9)}]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", ["end", "start"]),
        ("start=2030-06-03&end=tomorrow", ["end"]),
        ("start=2030-06-03&end=2030-06-01", ["end"]),
        ("start=2030-01-01&end=2030-12-31", ["end"]),
        ("start=2030-06-03&end=2030-06-04&staff=999999", ["staff"]),
        ("start=2030-06-03&end=2030-06-04&staff=abc", ["staff"]),
    ],
)
def test_bad_shading_queries_are_422_problems(team, alpha_client, alpha_owner, query, fields):
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get(f"{SHADING}?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert sorted(body["errors"]) == fields


def test_staff_get_shading_for_themselves_only(team, alpha, alpha_client):
    user = member(alpha, "staff")
    StaffMember.objects.filter(pk=team["ben"].pk).update(user=user)
    alpha_client.force_login(user)

    mine = alpha_client.get(f"{SHADING}?start=2030-06-03&end=2030-06-03").json()
    other = alpha_client.get(f"{SHADING}?start=2030-06-03&end=2030-06-03&staff={team['ann'].pk}")

    assert [s["id"] for s in mine["staff"]] == [team["ben"].pk]
    assert other.status_code == 422
    assert other.json()["errors"] == {
        "staff": ["Choose one of the staff members shown on your calendar."]
    }


def test_the_sidebar_links_to_the_calendar(team, alpha_client: TenantClient, alpha_owner):
    alpha_client.force_login(alpha_owner)
    content = alpha_client.get("/app/").content.decode()
    assert f'href="{PAGE}"' in content
