"""Group classes on the owner's live calendar, in headless Chromium against a real server.

A class shows in its instructor's column with its seats and waitlist, in every view; it can't be
dragged, a selection can't be drawn over it and a booking typed onto it is refused with a
message; clicking it opens the class's page; and bookings made through the public API update
its counts on an open calendar within two seconds. Screenshots go to
tests/artifacts/calendar_classes/.
"""

from __future__ import annotations

import json
import re
import time as clock
import urllib.request
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Locator, Page

from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.classes.services import enrollment_book
from tenant_apps.scheduling.models import Appointment, AppointmentSource
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Tenant
from tests.e2e.conftest import ARTIFACTS, DESKTOP, LiveServer, weekday_ahead
from tests.e2e.test_calendar import chromium, column_of, sign_in, wait_for_calendar
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.classes import class_type_make, session_make
from tests.tenant_apps.scheduling.test_concurrency import restore_alpha_defaults  # noqa: F401

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "calendar_classes"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def studio(restore_alpha_defaults: None, alpha_tx: Tenant) -> Iterator[dict[str, Any]]:  # noqa: F811
    """Committed in alpha (the server is another process): Ann and Ben work 09-17 and give a
    60-minute massage; Pat sees Ann at 10:00. Ben teaches Reformer Flow 11:00-12:00 (4 seats,
    3 taken); Ann's 14:00 Mat class is cancelled. alpha_tx's flush removes it all."""
    connection.set_schema_to_public()
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    connection.set_tenant(alpha_tx)
    day = weekday_ahead()
    ann = StaffMemberFactory(display_name="Ann Lee", color="#0ea5e9")
    ben = StaffMemberFactory(display_name="Ben Ode", color="#f97316")
    for person in (ann, ben):
        weekly_hours_set(person)
    massage = ServiceFactory(name="Massage", performers=[ann, ben], color="#6366f1")
    pats = appointment_create(
        service=massage,
        staff=ann,
        customer=CustomerFactory(full_name="Pat Calendar"),
        start=datetime.combine(day, time(10), LONDON),
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )
    flow = class_type_make(
        name="Reformer Flow", capacity=4, default_instructor=ben, color="#7c3aed"
    )
    reformer = session_make(class_type=flow, start=datetime.combine(day, time(11), LONDON))
    for n in range(3):
        enrollment_book(
            session=reformer,
            customer=CustomerFactory(full_name=f"Seat {n}"),
            payment=EnrollmentPayment.AT_STUDIO,
            source=EnrollmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
        )
    mat = class_type_make(name="Mat Basics", default_instructor=ann, color="#0f766e")
    cancelled = session_make(class_type=mat, start=datetime.combine(day, time(14), LONDON))
    ClassSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    yield {
        "day": day,
        "ann": ann,
        "ben": ben,
        "pats": pats,
        "reformer": reformer,
        "cancelled": cancelled,
    }
    connection.set_schema_to_public()
    Session.objects.exclude(session_key__in=sessions_before).delete()
    connection.set_tenant(alpha_tx)


def class_event(page: Page, session: ClassSession) -> Locator:
    return page.locator(f".ec-event[data-class-session-id='{session.pk}']")


def box_of(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box


def _public_enrollment(server: LiveServer, session: ClassSession, name: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/v1/public/enrollments/",
        data=json.dumps(
            {
                "session": session.pk,
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}@example.test",
            }
        ).encode(),
        headers={"Host": f"alpha.localhost:{server.port}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return dict(json.loads(response.read()))


def test_a_class_sits_in_its_instructors_column_and_blocks_bookings(
    uvicorn_server: LiveServer, studio: dict[str, Any], alpha_tx: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    day, reformer = studio["day"], studio["reformer"]
    with chromium() as browser:
        page = browser.new_context(**DESKTOP).new_page()
        sign_in(page, uvicorn_server, f"/app/calendar/?view=day&date={day}")
        flow = class_event(page, reformer)
        flow.wait_for()
        text = flow.inner_text()
        assert "Reformer Flow" in text and "3/4" in text and "waiting" not in text, text
        assert "11:00" in text
        ben = column_of(page, "Ben Ode")
        flow_box = box_of(flow)
        assert ben["x"] <= flow_box["x"] < ben["x"] + ben["width"]
        assert "cal-class" in (flow.get_attribute("class") or "")
        assert flow.locator(".ec-resizer").count() == 0
        # Cancelled classes are hidden, as cancelled appointments are, until asked for.
        assert class_event(page, studio["cancelled"]).count() == 0
        page.screenshot(path=str(SHOTS / "01_day.png"))

        # Half an hour in pixels: Pat's 10:00 (Ann) to the class's 11:00 (Ben).
        step = (flow_box["y"] - box_of(page.locator(".ec-event", has_text="Pat Calendar"))["y"]) / 2

        # A drag on the class moves nothing.
        x, y = flow_box["x"] + flow_box["width"] / 2, flow_box["y"] + 8
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y + step, steps=6)
        page.mouse.move(x, y + 2 * step, steps=6)
        page.mouse.up()
        page.wait_for_timeout(300)
        if re.search(r"/app/classes/sessions/", page.url):  # a drag that ends on it is a click
            page.go_back()
            wait_for_calendar(page)
        assert "11:00" in class_event(page, reformer).inner_text()

        # A selection from 10:00 over the class stops at its edge: the booking is for 10-11.
        x = ben["x"] + ben["width"] / 2
        ten = box_of(class_event(page, reformer))["y"] - 2 * step
        page.mouse.move(x, ten + 4)
        page.mouse.down()
        page.mouse.move(x, ten + 2 * step, steps=6)
        page.mouse.move(x, ten + 4 * step - 8, steps=6)
        page.mouse.up()
        dialog = page.locator("#create-dialog")
        dialog.wait_for()
        assert dialog.get_by_label("Staff").input_value() == str(studio["ben"].pk)
        assert dialog.get_by_label("Starts at").input_value() == "10:00"
        dialog.get_by_text("Ends at 11:00 (60 minutes).").wait_for()
        assert page.locator(".ec-preview, .ec-event.ec-preview").count() == 0

        # Typed onto the class anyway: the server's 409, told in the class's words.
        dialog.get_by_label("Starts at").fill("11:30")
        dialog.get_by_role("button", name="add a new customer").click()
        dialog.get_by_label("Full name").fill("Nora Clash")
        dialog.get_by_label("Email").fill("nora.clash@example.test")
        dialog.get_by_role("button", name="Book appointment").click()
        dialog.get_by_text(
            "Ben Ode teaches Reformer Flow from 11:00 to 12:00. Pick another time."
        ).wait_for()
        page.screenshot(path=str(SHOTS / "02_refused_over_class.png"))
        dialog.get_by_role("button", name="Cancel").click()

        # Cancelled classes show, struck through, with the cancelled appointments.
        page.locator(".cal-status-filter > summary").click()
        page.get_by_role("checkbox", name="Cancelled").check()
        page.locator(".cal-status-filter > summary").click()
        wait_for_calendar(page)
        struck = class_event(page, studio["cancelled"])
        struck.wait_for()
        assert struck.inner_text().split("\n")[-1] == "CANCELLED"  # no seats to count
        assert "class-cancelled" in (struck.get_attribute("class") or "")
        page.screenshot(path=str(SHOTS / "03_cancelled_shown.png"))
        page.locator(".cal-status-filter > summary").click()
        page.get_by_role("checkbox", name="Cancelled").uncheck()
        page.locator(".cal-status-filter > summary").click()
        wait_for_calendar(page)
        struck.wait_for(state="detached")
        # The "Classes" switch hides them all; the service filter never does.
        switch = page.locator("[data-cal-filters]").get_by_text("Classes", exact=True)
        switch.click()
        class_event(page, reformer).wait_for(state="detached")
        assert not page.get_by_role("checkbox", name="Classes").is_checked()
        switch.click()
        page.locator("#cal-service").select_option(label="Massage")
        wait_for_calendar(page)
        class_event(page, reformer).wait_for()
        page.locator("#cal-service").select_option(label="All services")

        for view in ("Week", "Month", "Agenda"):
            page.get_by_role("button", name=view, exact=True).click()
            wait_for_calendar(page)
            shown = class_event(page, reformer)
            if view == "Month":  # a day shows one entry, then "+n more" (a popup)
                page.get_by_text("+1 more").click()
                shown = page.locator(".ec-popup").locator(_selector(reformer))
            shown.wait_for()
            assert "Reformer Flow" in shown.inner_text() and "3/4" in shown.inner_text()
            page.screenshot(path=str(SHOTS / f"04_{view.lower()}.png"))
        page.get_by_role("button", name="Day", exact=True).click()
        wait_for_calendar(page)

        # A click opens the class's own page.
        class_event(page, reformer).click()
        page.wait_for_url(re.compile(rf"/app/classes/sessions/{reformer.pk}/$"))
        page.get_by_text("Reformer Flow").first.wait_for()

    connection.set_tenant(alpha_tx)
    assert not Appointment.objects.filter(staff=studio["ben"]).exists()
    stored = ClassSession.objects.get(pk=reformer.pk)
    assert (stored.start, stored.taken) == (datetime.combine(day, time(11), LONDON), 3)


def test_public_bookings_update_the_class_on_an_open_calendar_within_two_seconds(
    uvicorn_server: LiveServer, studio: dict[str, Any], alpha_tx: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    day, reformer = studio["day"], studio["reformer"]
    with chromium() as browser:
        page = browser.new_context(**DESKTOP).new_page()
        sign_in(page, uvicorn_server, f"/app/calendar/?view=day&date={day}")
        page.locator("[data-live-status][data-state=live]").wait_for()
        flow = class_event(page, reformer)
        assert "3/4" in flow.inner_text()

        _public_enrollment(uvicorn_server, reformer, "Last Seat")
        sent = clock.monotonic()
        page.locator(f"{_selector(reformer)}:has-text('4/4')").wait_for(timeout=2000)
        took = clock.monotonic() - sent
        assert took < 2.0
        print(f"a booking reached the open calendar in {took * 1000:.0f} ms")
        assert class_event(page, reformer).inner_text().endswith("4/4 FULL")  # a badge, in capitals

        _public_enrollment(uvicorn_server, reformer, "First Waiting")
        sent = clock.monotonic()
        page.locator(f"{_selector(reformer)}:has-text('1 waiting')").wait_for(timeout=2000)
        assert clock.monotonic() - sent < 2.0
        assert "cal-flash" in (class_event(page, reformer).get_attribute("class") or "")
        page.screenshot(path=str(SHOTS / "05_live_counts.png"))

    connection.set_tenant(alpha_tx)
    statuses = sorted(Enrollment.objects.filter(session=reformer).values_list("status", flat=True))
    assert statuses == [EnrollmentStatus.BOOKED] * 4 + [EnrollmentStatus.WAITLISTED]


def _selector(session: ClassSession) -> str:
    return f".ec-event[data-class-session-id='{session.pk}']"
