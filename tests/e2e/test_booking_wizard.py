"""A customer books on a studio's booking page in headless Chromium: service, "any" staff, a day,
a time, details, confirmation; a time taken while they type; a DST week seen from New York.

The server is another process, so the studio's data is committed here (in alpha's schema):
these are transactional tests, and `alpha_tx` makes their closing flush run on alpha's schema,
never on public. The fixture also removes what it made, explicitly.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, IdempotencyRecord, WeeklyHours
from tenants.models import Tenant
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, LiveServer, chromium_page

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SHOTS = ARTIFACTS / "wizard"
EMAIL_DOMAIN = "wizard-e2e.test"


def slot_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def weekday_ahead(weekday: int, weeks: int) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def last_sunday_of_march_ahead() -> date:
    today = timezone.now().astimezone(LONDON).date()
    for year in (today.year, today.year + 1):
        last = date(year, 3, 31)
        sunday = last - timedelta(days=(last.weekday() - 6) % 7)
        if sunday - timedelta(days=2) > today:
            return sunday
    raise AssertionError("unreachable")


@pytest.fixture
def wizard_studio(uvicorn_server: LiveServer, alpha_tx: Tenant) -> Iterator[dict[str, Any]]:
    """Eve and Finn work 9-17 London time every day and give a 60-minute massage (£45) that can
    be booked 200 days ahead, on a booking page of its own with one required question and a
    policy. Committed for the server; everything is deleted afterwards."""
    alpha = alpha_tx
    connection.set_tenant(alpha)
    suffix = secrets.token_hex(3)
    eve = StaffMember.objects.create(display_name="Eve Ellis", bio="Deep tissue.")
    finn = StaffMember.objects.create(display_name="Finn Ford")
    WeeklyHours.objects.bulk_create(
        WeeklyHours(staff=person, weekday=day, start_minute=9 * 60, end_minute=17 * 60)
        for person in (eve, finn)
        for day in range(7)
    )
    massage = Service.objects.create(
        name="Deep massage",
        category="Body",
        duration_minutes=60,
        price="45.00",
        currency="GBP",
        max_advance_days=200,
    )
    massage.staff.set([eve, finn])
    page = BookingPage.objects.create(
        slug=f"e2e-{suffix}",
        title="Massage online",
        intro="Pick a time that suits you.",
        questions=[
            {"id": "goals", "label": "What should we focus on?", "type": "text", "required": True}
        ],
        policy_text="Cancel 24 hours ahead, please.",
    )
    page.services.set([massage])
    started = timezone.now()
    connection.set_schema_to_public()
    try:
        yield {"alpha": alpha, "eve": eve, "finn": finn, "massage": massage, "page": page}
    finally:
        connection.set_tenant(alpha)
        booked = Appointment.objects.filter(service=massage)
        customer_ids = list(booked.values_list("customer_id", flat=True))
        try:
            notification = apps.get_model("notifications", "Notification")
        except LookupError:
            notification = None
        if notification is not None:
            notification.objects.filter(appointment__in=booked).delete()
        booked.delete()
        Customer.objects.filter(pk__in=customer_ids).delete()
        IdempotencyRecord.objects.filter(created_at__gte=started).delete()
        page.delete()
        massage.delete()
        StaffMember.objects.filter(pk__in=[eve.pk, finn.pk]).delete()
        connection.set_schema_to_public()


def shot(page: Page, name: str, size: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}_{size}.png"), full_page=True)


def open_day(page: Page, day: date) -> None:
    """On the time step: go to `day`'s month and open the day (htmx swaps the panel)."""
    for _ in range(12):
        if page.locator(f'a.day[data-day="{day.isoformat()}"]').count():
            break
        page.locator('a[rel="next"]').click()
        page.locator(".month-title").filter(has_text=f"{day:%B %Y}").wait_for()
    page.locator(f'a.day[data-day="{day.isoformat()}"]').click()
    page.locator(f'a.day.is-selected[data-day="{day.isoformat()}"]').wait_for()


def fill_details(page: Page, *, name: str, email: str) -> None:
    page.fill("#id_full_name", name)
    page.fill("#id_email", email)
    page.fill("#id_phone", "+44 7700 900456")
    page.fill("#id_q_goals", "Shoulders")
    page.fill("#id_note", "Ground floor please")
    page.check("#id_accept_policy")


def no_sideways_scroll(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize(("size", "hour"), [("desktop", 10), ("phone", 14)])
def test_a_customer_books_any_staff_and_gets_a_confirmation(
    uvicorn_server, wizard_studio, size, hour
):
    slug = wizard_studio["page"].slug
    day = weekday_ahead(0, 2)  # a Monday two weeks ahead
    when = london(day, hour)
    email = f"pat-{size}@{EMAIL_DOMAIN}"
    options = (
        {**DESKTOP, "viewport": {"width": 1280, "height": 800}, "timezone_id": "Europe/London"}
        if size == "desktop"
        else PHONE
    )
    overflow: dict[str, int] = {}

    with chromium_page(**options, accept_downloads=True) as page:
        page.goto(uvicorn_server.studio_url("alpha", "/"))
        shot(page, "0_home", size)
        overflow["home"] = no_sideways_scroll(page)

        page.goto(uvicorn_server.studio_url("alpha", f"/book/{slug}/"))
        shot(page, "1_service", size)
        overflow["service"] = no_sideways_scroll(page)
        page.locator(f'a[data-service="{wizard_studio["massage"].pk}"]').click()
        page.locator('a[data-staff="any"]').wait_for()
        shot(page, "2_staff", size)
        overflow["staff"] = no_sideways_scroll(page)
        page.locator('a[data-staff="any"]').click()
        page.locator(".month-grid").wait_for()
        if size == "phone":  # Europe/Berlin: the page reloads once in the browser's zone
            page.wait_for_url(re.compile(r"tz=Europe%2FBerlin"))
        open_day(page, day)
        shot(page, "3_time", size)
        overflow["time"] = no_sideways_scroll(page)
        page.locator(f'a.slot[data-slot="{slot_text(when)}"]').click()
        page.locator("#id_full_name").wait_for()
        summary_time = page.locator('[data-summary="time"]').inner_text()
        shot(page, "4_details", size)
        overflow["details"] = no_sideways_scroll(page)

        # A first try without the policy: the error sits beside the box, the typing stays.
        fill_details(page, name="Pat Doe", email=email)
        page.uncheck("#id_accept_policy")
        page.locator("[data-book-button]").click()
        page.locator('[data-field="accept_policy"] .field-error').wait_for()
        policy_error = page.locator('[data-field="accept_policy"] .field-error').inner_text()
        kept_goals = page.input_value("#id_q_goals")
        shot(page, "4_details_errors", size)
        page.check("#id_accept_policy")
        page.locator("[data-book-button]").click()
        page.wait_for_url(re.compile(rf"/book/{slug}/done/"))
        reference = page.locator("[data-reference]").inner_text()
        shot(page, "5_done", size)
        overflow["done"] = no_sideways_scroll(page)
        google = page.locator("[data-google]").get_attribute("href") or ""
        manage = page.locator("[data-manage]").get_attribute("href") or ""
        with page.expect_download() as download_info:
            page.locator("[data-ics]").click()
        ics = Path(download_info.value.path()).read_text()

    assert overflow == dict.fromkeys(overflow, 0)  # nothing scrolls sideways
    assert policy_error == "Please accept the booking policy to book."
    assert kept_goals == "Shoulders"
    if size == "desktop":
        assert f"{hour}:00–{hour + 1}:00" in summary_time
        assert "studio time" not in summary_time
    else:
        berlin = when.astimezone(ZoneInfo("Europe/Berlin"))
        assert f"{berlin:%H:%M}–" in summary_time
        assert f"{hour}:00 studio time (Europe/London)" in summary_time
    assert f"DTSTART;TZID=Europe/London:{when:%Y%m%dT%H%M%S}" in ics
    assert f"dates={when.astimezone(UTC):%Y%m%dT%H%M%SZ}%2F" in google
    assert manage.startswith("/portal/open/")

    connection.set_tenant(wizard_studio["alpha"])
    appointment = Appointment.objects.select_related("customer", "staff").get(reference=reference)
    connection.set_schema_to_public()
    assert appointment.start == when
    assert appointment.staff == wizard_studio["eve"]  # "any": the first free by name
    assert appointment.answers == {"goals": "Shoulders"}
    assert (appointment.customer.full_name, appointment.customer.email) == ("Pat Doe", email)

    to_customer = [m for m in uvicorn_server.sent_mail() if f"<{email}>" in str(m["To"])]
    assert len(to_customer) == 1
    body = to_customer[0].get_body(preferencelist=("plain",))
    assert body is not None
    content = body.get_content()
    assert reference in content
    assert f"{hour}:00 GMT until {hour + 1}:00" in content  # the studio's local time


def book_via_api(server: LiveServer, service: Service, staff: StaffMember, start: datetime) -> int:
    request = urllib.request.Request(
        # Python does not resolve *.localhost like browsers do: name the studio in Host.
        f"http://127.0.0.1:{server.port}/api/v1/public/bookings/",
        data=json.dumps(
            {
                "service": service.pk,
                "staff": staff.pk,
                "start": start.isoformat(),
                "name": "Quick Other",
                "email": f"other@{EMAIL_DOMAIN}",
            }
        ).encode(),
        headers={"Content-Type": "application/json", "Host": f"alpha.localhost:{server.port}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_a_time_taken_while_typing_offers_fresh_times_and_keeps_the_details(
    uvicorn_server, wizard_studio
):
    slug = wizard_studio["page"].slug
    eve, massage = wizard_studio["eve"], wizard_studio["massage"]
    day = weekday_ahead(2, 2)  # a Wednesday
    when = london(day, 11)
    email = f"sam@{EMAIL_DOMAIN}"
    url = uvicorn_server.studio_url(
        "alpha",
        f"/book/{slug}/details/?service={massage.pk}&staff={eve.pk}&slot={slot_text(when)}",
    )

    with chromium_page(**PHONE) as page:
        page.goto(url)
        page.wait_for_url(re.compile(r"tz=Europe%2FBerlin"))
        page.locator("#id_full_name").wait_for()
        fill_details(page, name="Sam Smith", email=email)
        page.check("#id_marketing_consent")
        # Someone else takes Eve's 11:00 through the public API meanwhile.
        status = book_via_api(uvicorn_server, massage, eve, when)
        page.locator("[data-book-button]").click()
        page.locator("[data-slot-taken]").wait_for()
        message = page.locator("[data-slot-taken]").inner_text()
        fresh = page.locator('input[name="slot"]').evaluate_all("els => els.map(e => e.value)")
        kept = {
            field: page.input_value(f"#id_{field}")
            for field in ("full_name", "email", "phone", "q_goals", "note")
        }
        kept_boxes = page.is_checked("#id_accept_policy"), page.is_checked("#id_marketing_consent")
        shot(page, "4_details_taken", "phone")
        # They take 13:00 instead.
        page.locator(f'input[name="slot"][value="{slot_text(london(day, 13))}"]').check(force=True)
        page.locator("[data-book-button]").click()
        page.wait_for_url(re.compile(rf"/book/{slug}/done/"))
        reference = page.locator("[data-reference]").inner_text()

    berlin_11 = when.astimezone(ZoneInfo("Europe/Berlin"))
    assert status == 201
    assert f"someone else booked {berlin_11:%H:%M} while you were filling in the form" in message
    assert slot_text(when) not in fresh
    assert fresh[0] == slot_text(london(day, 9))
    assert slot_text(london(day, 12, 15)) in fresh  # after 11:00-12:00 (no buffer)
    assert kept == {
        "full_name": "Sam Smith",
        "email": email,
        "phone": "+44 7700 900456",
        "q_goals": "Shoulders",
        "note": "Ground floor please",
    }
    assert kept_boxes == (True, True)
    connection.set_tenant(wizard_studio["alpha"])
    appointment = Appointment.objects.select_related("customer").get(reference=reference)
    taken = Appointment.objects.filter(service=massage, start=when).count()
    connection.set_schema_to_public()
    assert appointment.start == london(day, 13)
    assert appointment.customer.marketing_consent is True
    assert taken == 1  # only the other customer's


def test_a_dst_week_is_shown_in_the_browsers_zone_with_the_studios_time(
    uvicorn_server, wizard_studio
):
    """The week the UK moves its clocks (last Sunday of March): New York has already moved, so
    London is 4 hours ahead on the Saturday before and 5 hours ahead on the Monday after."""
    slug = wizard_studio["page"].slug
    massage = wizard_studio["massage"]
    sunday = last_sunday_of_march_ahead()
    saturday, monday = sunday - timedelta(days=1), sunday + timedelta(days=1)
    base = f"/book/{slug}/time/?service={massage.pk}&staff=any&month={sunday:%Y-%m}"
    first_slots: dict[str, tuple[str, str]] = {}

    with chromium_page(
        viewport={"width": 1280, "height": 800}, timezone_id="America/New_York"
    ) as page:
        page.goto(uvicorn_server.studio_url("alpha", base))
        page.wait_for_url(re.compile(r"tz=America%2FNew_York"))
        for name, day in (("saturday", saturday), ("monday", monday)):
            open_day(page, day)
            first = page.locator("a.slot").first
            first_slots[name] = (
                first.locator(".slot-time").inner_text(),
                first.locator(".slot-studio").inner_text(),
            )
        studio_note = page.locator("[data-studio-zone]").inner_text()
        shot(page, "3_time_dst_new_york", "desktop")
        page.locator(f'a.slot[data-slot="{slot_text(london(monday, 9))}"]').click()
        page.locator("#id_full_name").wait_for()
        summary_time = page.locator('[data-summary="time"]').inner_text()
        fill_details(page, name="Dana Dst", email=f"dana@{EMAIL_DOMAIN}")
        page.locator("[data-book-button]").click()
        page.wait_for_url(re.compile(rf"/book/{slug}/done/"))
        reference = page.locator("[data-reference]").inner_text()
        done_time = page.locator('[data-summary="time"]').inner_text()

    assert first_slots == {
        "saturday": ("05:00", "09:00 studio"),  # GMT and EDT: 4 hours apart
        "monday": ("04:00", "09:00 studio"),  # BST and EDT: 5 hours apart
    }
    assert "The studio is in Europe/London" in studio_note
    assert "04:00–05:00" in summary_time and "(America/New York)" in summary_time
    assert "09:00 studio time (Europe/London)" in summary_time
    assert "04:00–05:00" in done_time
    connection.set_tenant(wizard_studio["alpha"])
    appointment = Appointment.objects.get(reference=reference)
    connection.set_schema_to_public()
    assert appointment.start == datetime.combine(monday, time(8), UTC)
