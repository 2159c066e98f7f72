"""The owner's live calendar in headless Chromium against a real server.

An owner signs in, drags an appointment to a free time (still there after a reload) and onto a
taken one (refused with a message, snaps back, nothing changes in the database), opens the side
panel, and watches a booking made through the public API appear in two browsers at once.
Screenshots of every view go to tests/artifacts/calendar/.
"""

from __future__ import annotations

import json
import re
import shutil
import time as clock
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, Page, sync_playwright

from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    TimeOff,
)
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    LiveServer,
    weekday_ahead,
)
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "calendar"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def studio(alpha_tx: Tenant) -> Iterator[dict[str, Any]]:
    """Committed in alpha (the server is another process): Ann and Ben work 09-17 every day and
    both give a 60-minute massage; Pat is booked with Ann at 10:00 and Sam with Ben at 10:00;
    Ann is off from 15:00 to 16:00. alpha_tx's closing flush removes it all again."""
    connection.set_schema_to_public()
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    connection.set_tenant(alpha_tx)
    day = weekday_ahead()
    ann = StaffMemberFactory(display_name="Ann Lee", color="#0ea5e9")
    ben = StaffMemberFactory(display_name="Ben Ode", color="#f97316")
    for person in (ann, ben):
        weekly_hours_set(person)
    massage = ServiceFactory(name="Massage", performers=[ann, ben], color="#6366f1")
    facial = ServiceFactory(
        name="Facial", performers=[ann, ben], duration_minutes=30, color="#10b981"
    )
    pat = CustomerFactory(full_name="Pat Calendar", email="pat.calendar@example.test")
    sam = CustomerFactory(full_name="Sam Busy", email="sam.busy@example.test", phone="+44 20 1")
    TimeOff.objects.create(
        staff=ann,
        start=datetime.combine(day, time(15), LONDON),
        end=datetime.combine(day, time(16), LONDON),
        reason="Training",
    )

    def book(service, staff, customer, hour: int, minute: int = 0) -> Appointment:  # type: ignore[no-untyped-def]
        return appointment_create(
            service=service,
            staff=staff,
            customer=customer,
            start=datetime.combine(day, time(hour, minute), LONDON),
            source=AppointmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )

    yield {
        "day": day,
        "ann": ann,
        "ben": ben,
        "massage": massage,
        "pat": pat,
        "pats": book(massage, ann, pat, 10),
        "sams": book(massage, ben, sam, 10),
        "facial": book(facial, ben, pat, 12, 30),
    }
    # The browsers' sign-ins live in the public schema: remove them, not anyone else's.
    connection.set_schema_to_public()
    Session.objects.exclude(session_key__in=sessions_before).delete()
    connection.set_tenant(alpha_tx)


def _browser() -> Any:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    return sync_playwright()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for several contexts (two people looking at the same calendar). As
    with tests/e2e/conftest.py's chromium_page: no database work inside the `with` block."""
    with _browser() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, server: LiveServer, path: str) -> None:
    page.goto(server.studio_url("alpha", path))
    page.get_by_label("Email").fill("owner@alpha.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/app/calendar/"))
    wait_for_calendar(page)


def wait_for_calendar(page: Page) -> None:
    """Loaded, and scrolled so the grid is in view (a drag near the window's edge would make the
    calendar scroll under the pointer)."""
    page.wait_for_selector("#calendar[aria-busy=false]")
    page.evaluate("document.querySelector('.cal-wrap').scrollIntoView()")


def event(page: Page, appointment: Appointment) -> Any:
    return page.locator(f".ec-event[data-appointment-id='{appointment.pk}']")


def column_of(page: Page, name: str) -> dict[str, float]:
    box = page.locator(".ec-header .ec-col-head", has_text=name).bounding_box()
    assert box is not None, f"no column for {name}"
    return box


def half_hour(page: Page, studio: dict[str, Any]) -> float:
    """Pixels per 30 minutes on the grid, from two of Ben's bookings (10:00 and 12:30)."""
    ten = event(page, studio["sams"]).bounding_box()
    half_past_twelve = event(page, studio["facial"]).bounding_box()
    assert ten is not None and half_past_twelve is not None
    return (half_past_twelve["y"] - ten["y"]) / 5


def drag(
    page: Page, appointment: Appointment, *, minutes: int, step: float, to_column: str | None = None
) -> None:
    """Drag an appointment by whole half-hours (and into another staff member's column)."""
    box = event(page, appointment).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + 8
    dx = 0.0
    if to_column is not None:
        column = column_of(page, to_column)
        dx = column["x"] + column["width"] / 2 - x
    dy = minutes / 30 * step
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=8)
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def start_shown(page: Page, appointment: Appointment) -> str:
    """The start time the calendar shows for an appointment ("HH:MM")."""
    return str(event(page, appointment).locator(".cal-ev-time").inner_text()).split("–")[0].strip()


def stored(appointment: Appointment, tenant: Tenant) -> tuple[str, int, datetime]:
    connection.set_tenant(tenant)
    row = Appointment.objects.get(pk=appointment.pk)
    return row.status, row.staff_id, row.start


def test_owner_drags_appointments_and_opens_the_side_panel(
    uvicorn_server: LiveServer, studio: dict[str, Any], alpha_tx: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    day = studio["day"]
    pats, sams = studio["pats"], studio["sams"]
    path = f"/app/calendar/?view=day&date={day}"
    with chromium() as browser:
        page = browser.new_context(**DESKTOP).new_page()
        sign_in(page, uvicorn_server, path)
        assert start_shown(page, pats) == "10:00"
        assert page.locator(".ec-bg-event.cal-timeoff").count() == 1
        step = half_hour(page, studio)
        page.screenshot(path=str(SHOTS / "01_day.png"))

        # A free time: 10:00 -> 13:00 in Ann's column.
        drag(page, pats, minutes=180, step=step)
        page.get_by_text("Moved Pat Calendar to").wait_for()
        assert start_shown(page, pats) == "13:00"
        page.reload()
        wait_for_calendar(page)
        assert start_shown(page, pats) == "13:00"

        # Onto Ben's 10:00, which Sam holds: refused, and the appointment snaps back.
        drag(page, pats, minutes=-180, step=step, to_column="Ben Ode")
        page.get_by_text("Not moved: Another booking already holds this time.").wait_for()
        page.wait_for_timeout(300)
        assert start_shown(page, pats) == "13:00"
        ann_column = column_of(page, "Ann Lee")
        pats_box = event(page, pats).bounding_box()
        assert pats_box is not None
        assert ann_column["x"] <= pats_box["x"] < ann_column["x"] + ann_column["width"]
        page.screenshot(path=str(SHOTS / "02_refused.png"))

        # Its lower edge dragged down by half an hour: 13:00-14:30.
        # (In the middle of the grid: near its edge a drag scrolls the grid along.)
        event(page, pats).evaluate("el => el.scrollIntoView({block: 'center'})")
        event(page, pats).hover()
        page.wait_for_timeout(200)
        box = event(page, pats).bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 3
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y + step / 2, steps=5)
        page.mouse.move(x, y + step, steps=5)
        page.mouse.up()
        page.get_by_text("Changed Pat Calendar to").wait_for()
        shown = str(event(page, pats).locator(".cal-ev-time").inner_text())
        assert shown.replace(" ", "") == "13:00–14:30", shown

        # The side panel, by keyboard: Enter on the appointment opens it, Esc closes it.
        event(page, sams).focus()
        page.keyboard.press("Enter")
        panel = page.locator("#appointment-panel")
        panel.get_by_text("sam.busy@example.test").wait_for()
        panel.get_by_text("Booked", exact=True).wait_for()
        assert panel.locator("[data-panel-status]").inner_text() == "Confirmed"
        page.screenshot(path=str(SHOTS / "03_panel.png"))
        page.keyboard.press("Escape")
        panel.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.dataset.appointmentId") == str(sams.pk)

        page.get_by_role("button", name="Week", exact=True).click()
        wait_for_calendar(page)
        page.screenshot(path=str(SHOTS / "04_week.png"))
        page.get_by_role("button", name="Month", exact=True).click()
        wait_for_calendar(page)
        page.screenshot(path=str(SHOTS / "05_month.png"))
        page.get_by_role("button", name="Day", exact=True).click()

    moved_status, moved_staff, moved_start = stored(pats, alpha_tx)
    assert (moved_status, moved_staff) == (AppointmentStatus.CONFIRMED, studio["ann"].pk)
    assert moved_start == datetime.combine(day, time(13), LONDON)
    assert Appointment.objects.get(pk=pats.pk).end == datetime.combine(day, time(14, 30), LONDON)
    assert stored(sams, alpha_tx)[1:] == (studio["ben"].pk, datetime.combine(day, time(10), LONDON))


def select_range(
    page: Page, column: str, hour: int, reference: Appointment, step: float, minutes: int = 60
) -> None:
    """Drag over a staff member's column from `hour`:00 for `minutes`, measured from
    `reference`, an appointment shown starting at 10:00."""
    head = column_of(page, column)
    main = page.locator(".ec-main").bounding_box()
    ten = event(page, reference).bounding_box()
    assert main is not None and ten is not None
    viewport = page.viewport_size
    assert viewport is not None
    bottom = min(main["y"] + main["height"], viewport["height"])
    below = ten["y"] + (hour - 10) * 2 * step + minutes / 30 * step - bottom
    if below > 0:  # scroll the grid until the whole range is in view
        page.locator(".ec-main").evaluate(f"el => el.scrollBy(0, {below + 40})")
        ten = event(page, reference).bounding_box()
        assert ten is not None
    x = head["x"] + head["width"] / 2
    y = ten["y"] + (hour - 10) * 2 * step + 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + minutes / 30 * step / 2, steps=5)
    page.mouse.move(x, y + minutes / 30 * step - 8, steps=5)
    page.mouse.up()


def test_owner_books_from_a_selection_and_may_override_working_hours(
    uvicorn_server: LiveServer, studio: dict[str, Any], alpha_tx: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    day = studio["day"]
    with chromium() as browser:
        page = browser.new_context(**DESKTOP).new_page()
        sign_in(page, uvicorn_server, f"/app/calendar/?view=day&date={day}")
        step = half_hour(page, studio)
        dialog = page.locator("#create-dialog")

        # An existing customer, found by name; staff and start come from the selection.
        select_range(page, "Ann Lee", 11, studio["pats"], step)
        dialog.wait_for()
        assert dialog.get_by_label("Staff").input_value() == str(studio["ann"].pk)
        assert dialog.get_by_label("Starts at").input_value() == "11:00"
        dialog.get_by_label("Find a customer").fill("Pat Cal")
        dialog.get_by_role("option", name=re.compile("Pat Calendar")).click()
        dialog.get_by_text("Ends at 12:00 (60 minutes).").wait_for()
        page.screenshot(path=str(SHOTS / "09_create_dialog.png"))
        dialog.get_by_role("button", name="Book appointment").click()
        page.get_by_text("Booked Pat Calendar for Massage").wait_for()

        # A new customer at 18:00, after Ann's hours: refused first, then booked on purpose.
        select_range(page, "Ann Lee", 18, studio["pats"], step)
        dialog.wait_for()
        dialog.get_by_role("button", name="add a new customer").click()
        dialog.get_by_label("Service").select_option(label="Massage (60 min)")
        dialog.get_by_label("Full name").fill("Nora New")
        dialog.get_by_label("Email").fill("not-an-email")
        dialog.get_by_role("button", name="Book appointment").click()
        dialog.locator("[data-error-for='new_customer.email']").get_by_text(
            "valid email"
        ).wait_for()
        page.screenshot(path=str(SHOTS / "10_create_errors.png"))
        dialog.get_by_label("Email").fill("nora.new@example.test")
        dialog.get_by_role("button", name="Book appointment").click()
        dialog.get_by_text("outside the staff member's working hours").wait_for()
        dialog.get_by_role("button", name="Book anyway").click()
        page.get_by_text("Booked Nora New for Massage").wait_for()
        assert page.locator(".ec-event", has_text="Nora New").count() == 1

    connection.set_tenant(alpha_tx)
    booked = {
        (a.customer.full_name, a.start.astimezone(LONDON).hour, a.staff_id)
        for a in Appointment.objects.filter(staff=studio["ann"]).select_related("customer")
    }
    assert booked == {
        ("Pat Calendar", 10, studio["ann"].pk),
        ("Pat Calendar", 11, studio["ann"].pk),
        ("Nora New", 18, studio["ann"].pk),
    }


def test_phone_shows_the_agenda(uvicorn_server: LiveServer, studio: dict[str, Any]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_context(**PHONE).new_page()
        sign_in(page, uvicorn_server, f"/app/calendar/?date={studio['day']}")
        assert (
            page.get_by_role("button", name="Agenda", exact=True).get_attribute("aria-pressed")
            == "true"
        )
        page.locator(".ec-list").wait_for()
        page.get_by_text("Pat Calendar").first.wait_for()
        page.screenshot(path=str(SHOTS / "06_phone_agenda.png"), full_page=True)
        page.get_by_text("Sam Busy").click()
        page.locator("#appointment-panel").get_by_text("sam.busy@example.test").wait_for()
        page.screenshot(path=str(SHOTS / "07_phone_panel.png"))


def _public_booking(server: LiveServer, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/v1/public/bookings/",
        data=json.dumps(body).encode(),
        headers={"Host": f"alpha.localhost:{server.port}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return dict(json.loads(response.read()))


def test_a_public_booking_appears_in_two_open_calendars_within_two_seconds(
    uvicorn_server: LiveServer, studio: dict[str, Any], alpha_tx: Tenant
) -> None:
    day = studio["day"]
    path = f"/app/calendar/?view=day&date={day}"
    start = datetime.combine(day, time(15), LONDON)
    with chromium() as browser:
        pages = [browser.new_context(**DESKTOP).new_page() for _ in range(2)]
        for page in pages:
            sign_in(page, uvicorn_server, path)
            page.locator("[data-live-status][data-state=live]").wait_for()
        booked = _public_booking(
            uvicorn_server,
            {
                "service": studio["massage"].pk,
                "staff": studio["ben"].pk,
                "start": start.isoformat(),
                "name": "Robin Live",
                "email": "robin.live@example.test",
                "phone": "",
            },
        )
        sent = clock.monotonic()
        for page in pages:
            page.locator(".ec-event", has_text="Robin Live").wait_for(timeout=2000)
        assert clock.monotonic() - sent < 2.0
        shown_ids = set()
        for page in pages:
            added = page.locator(".ec-event", has_text="Robin Live")
            assert "Massage" in added.inner_text()
            shown_ids.add(added.get_attribute("data-appointment-id"))
        pages[0].screenshot(path=str(SHOTS / "08_live_booking.png"))
    connection.set_tenant(alpha_tx)
    robin = Appointment.objects.get(reference=booked["reference"])
    assert shown_ids == {str(robin.pk)}
    assert (robin.staff_id, robin.start) == (studio["ben"].pk, start)
