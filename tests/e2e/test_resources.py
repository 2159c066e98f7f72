"""Rooms and equipment in headless Chromium against a real server: the owner's resource list
and page, "Resources needed" on a service, and the calendar's resources view with a column per
room and equipment pool. Screenshots go to tests/artifacts/resources/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from tenant_apps.resources.models import ResourceKind, ServiceResourceNeed
from tenant_apps.scheduling.models import AppointmentSource
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, LiveServer, chromium_page, weekday_ahead
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.resources import ResourceFactory
from tests.tenant_apps.scheduling.test_concurrency import restore_alpha_defaults  # noqa: F401

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "resources"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def studio(restore_alpha_defaults: None, alpha_tx: Tenant) -> Iterator[dict[str, Any]]:  # noqa: F811
    """Committed in alpha: a small studio, 12 reformers and a private reformer session (1 of
    each) booked twice on one day with Ann and Ben."""
    connection.set_schema_to_public()
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    connection.set_tenant(alpha_tx)
    day = weekday_ahead()
    ann = StaffMemberFactory(display_name="Ann Lee", color="#0ea5e9")
    ben = StaffMemberFactory(display_name="Ben Ode", color="#f97316")
    for person in (ann, ben):
        weekly_hours_set(person)
    room = ResourceFactory(name="Small studio", color="#d9822b", description="At the back")
    pool = ResourceFactory(
        name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12, color="#8a6ef7"
    )
    private = ServiceFactory(
        name="Private reformer", performers=[ann, ben], buffer_after_minutes=10
    )
    ServiceResourceNeed.objects.create(service=private, resource=room, quantity=1)
    ServiceResourceNeed.objects.create(service=private, resource=pool, quantity=1)
    for staff, hour, name in ((ann, 10, "Pat Reformer"), (ben, 12, "Sam Reformer")):
        appointment_create(
            service=private,
            staff=staff,
            customer=CustomerFactory(full_name=name),
            start=datetime.combine(day, time(hour), LONDON),
            source=AppointmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )
    yield {"day": day, "room": room, "pool": pool, "private": private}
    connection.set_schema_to_public()
    Session.objects.exclude(session_key__in=sessions_before).delete()
    connection.set_tenant(alpha_tx)


def test_owner_sees_resources_and_the_calendars_resource_columns(
    studio: dict[str, Any], uvicorn_server: LiveServer
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(**DESKTOP) as page:
        page.goto(uvicorn_server.studio_url("alpha", "/app/resources/"))
        page.get_by_label("Email").fill("owner@alpha.test")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/app/resources/$"))
        assert page.locator("table").get_by_text("Reformer").count() == 1
        page.screenshot(path=str(SHOTS / "resource_list.png"), full_page=True)

        page.get_by_role("link", name="Small studio").click()
        page.wait_for_url(re.compile(rf"/app/resources/{studio['room'].pk}/$"))
        assert page.get_by_text("Private reformer · Pat Reformer").count() == 1
        page.get_by_label("Quantity").fill("0")
        page.get_by_role("button", name="Save changes").click()
        assert page.get_by_text("Ensure this value is greater than or equal to 1.").count() == 1
        page.screenshot(path=str(SHOTS / "resource_detail_error.png"), full_page=True)

        page.goto(uvicorn_server.studio_url("alpha", f"/app/services/{studio['private'].pk}/"))
        section = page.locator("section", has_text="Resources needed")
        assert section.get_by_label("Reformer").input_value() == "1"
        section.screenshot(path=str(SHOTS / "service_needs.png"))

        page.goto(
            uvicorn_server.studio_url("alpha", f"/app/calendar/?date={studio['day'].isoformat()}")
        )
        page.wait_for_selector("#calendar[aria-busy=false]")
        page.get_by_role("button", name="Resources", exact=True).click()
        page.wait_for_selector(".ec-event[data-reservation-id]")
        heads = page.locator(".ec-header .ec-col-head").all_inner_texts()
        assert any("Reformer (12)" in h for h in heads) and any("Small studio" in h for h in heads)
        assert page.locator(".ec-event[data-reservation-id]").count() == 4
        page.evaluate("document.querySelector('.cal-wrap').scrollIntoView()")
        page.screenshot(path=str(SHOTS / "calendar_resources.png"), full_page=True)
