"""The calendar's resources view: its configuration and its JSON endpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.resources.models import ResourceKind
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import resources_reserve
from tests.factories.catalog import StaffMemberFactory
from tests.factories.resources import ResourceFactory
from tests.tenant_apps.catalog.views_support import client_as, people_create
from tests.tenant_apps.resources.test_api import _appointment

URL = "/app/calendar/reservations/"
T9 = datetime(2026, 12, 7, 9, tzinfo=UTC)


def config_of(response: Any) -> dict[str, Any]:
    content = response.content.decode()
    start = content.index('<script id="calendar-config" type="application/json">')
    start = content.index(">", start) + 1
    return dict(json.loads(content[start : content.index("</script>", start)]))


@pytest.fixture
def who(in_alpha, beta):  # type: ignore[no-untyped-def]
    return people_create(in_alpha, beta)


def test_owners_get_the_resources_as_columns(in_alpha, who):
    StaffMemberFactory(display_name="Ann")
    room = ResourceFactory(name="Small studio", color="#112233")
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    ResourceFactory(name="Old", is_active=False)

    owner_page = client_as(in_alpha, who.owner).get("/app/calendar/")
    staff_page = client_as(in_alpha, who.staff).get("/app/calendar/")

    config = config_of(owner_page)
    assert config["resources"] == [
        {"id": pool.pk, "name": "Reformer", "color": pool.color, "quantity": 12},
        {"id": room.pk, "name": "Small studio", "color": "#112233", "quantity": 1},
    ]
    assert config["urls"]["reservations"] == URL
    assert 'data-view="resources"' in owner_page.content.decode()
    assert config_of(staff_page)["resources"] == []


def test_the_endpoint_lists_reservations_in_the_range_in_one_query(in_alpha, who):
    room = ResourceFactory(name="Small studio")
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    for n in range(3):
        resources_reserve(
            needs=[ResourceNeed(room.pk, 1), ResourceNeed(pool.pk, 2)],
            start=T9 + timedelta(hours=2 * n),
            end=T9 + timedelta(hours=2 * n + 1),
            appointment=_appointment(n),
        )
    client = client_as(in_alpha, who.owner)
    client.get(URL, {"start": "2026-12-07", "end": "2026-12-07"})  # warm the host cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"start": "2026-12-07", "end": "2026-12-07"})

    assert response.status_code == 200, response.content
    rows = response.json()["reservations"]
    assert len(rows) == 9
    assert rows[0]["start"] == "2026-12-07T09:00:00+00:00"
    assert rows[0]["holder"]["kind"] == "appointment"
    assert {(r["resource"], r["unit"]) for r in rows[:3]} == {
        (pool.pk, 1),
        (pool.pk, 2),
        (room.pk, 1),
    }
    reads = [q for q in queries.captured_queries if "resources_reservation" in q["sql"]]
    assert len(reads) == 1


def test_the_endpoint_is_for_owners_and_managers_and_checks_its_range(in_alpha, who):
    owner = client_as(in_alpha, who.owner)

    assert (
        client_as(in_alpha, who.staff)
        .get(URL, {"start": "2026-12-07", "end": "2026-12-07"})
        .status_code
        == 404
    )
    bad = owner.get(URL, {"start": "2026-12-07", "end": "nope"})

    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"end"}
