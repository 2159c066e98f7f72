"""A customer signs in to the portal with an emailed link (read from the server's mail), then
cancels a booking inside its service's window and is refused outside another's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Tenant
from tests.e2e.conftest import ARTIFACTS, PHONE, LiveServer, chromium_page
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "portal"
LONDON = ZoneInfo("Europe/London")
EMAIL = "pat.portal-e2e@example.test"


@pytest.fixture
def bookings(alpha_tx: Tenant) -> Iterator[dict[str, Appointment]]:
    """Committed in alpha (the server is another process); alpha_tx's closing flush removes
    it all again, on alpha's schema only."""
    ann = StaffMemberFactory(display_name="Ann Lee")
    weekly_hours_set(ann)
    massage = ServiceFactory(name="Massage", performers=[ann])  # 24-hour windows
    retreat = ServiceFactory(
        name="Retreat day", performers=[ann], cancel_notice_minutes=5 * 24 * 60
    )
    pat = CustomerFactory(full_name="Pat Portal", email=EMAIL)
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=3)

    def book(service, hour: int) -> Appointment:  # type: ignore[no-untyped-def]
        return appointment_create(
            service=service,
            staff=ann,
            customer=pat,
            start=datetime.combine(day, time(hour), LONDON),
            source=AppointmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )

    yield {"inside": book(massage, 10), "outside": book(retreat, 13)}
    connection.set_tenant(alpha_tx)


def _sign_in_link(server: LiveServer) -> str:
    messages = [
        m
        for m in server.sent_mail()
        if EMAIL in str(m["To"]) and str(m["Subject"]).startswith("Your sign-in link")
    ]
    assert messages, "no sign-in email was sent"
    body = messages[-1].get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"http://alpha\.localhost:\d+/portal/signin/[^\s/]+/", body.get_content())
    assert match, body.get_content()
    return match.group(0)


def test_customer_signs_in_and_cancels_inside_the_window_only(
    uvicorn_server: LiveServer, bookings: dict[str, Appointment]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    inside, outside = bookings["inside"], bookings["outside"]
    portal = uvicorn_server.studio_url("alpha", "/portal/")

    with chromium_page(**PHONE) as page:
        page.goto(portal)
        page.get_by_label("Email address").fill(EMAIL)
        page.screenshot(path=str(SHOTS / "01_sign_in.png"), full_page=True)
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading", name="Check your inbox").wait_for()
        page.screenshot(path=str(SHOTS / "02_check_inbox.png"), full_page=True)

        page.goto(_sign_in_link(uvicorn_server))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="My bookings").wait_for()
        listing = page.locator("main").inner_text()
        page.screenshot(path=str(SHOTS / "03_bookings.png"), full_page=True)

        page.get_by_role("link", name="Massage").click()
        page.get_by_label("Reason").fill("Away that week")
        page.screenshot(path=str(SHOTS / "04_detail_inside_window.png"), full_page=True)
        page.get_by_role("button", name="Cancel this booking").click()
        page.get_by_text(f"Your booking {inside.reference} is cancelled.").wait_for()
        page.screenshot(path=str(SHOTS / "05_cancelled.png"), full_page=True)

        page.get_by_role("link", name="My bookings", exact=True).click()
        page.get_by_role("link", name="Retreat day").click()
        policy = page.locator("#cancel-policy").inner_text()
        cancel_buttons = page.get_by_role("button", name="Cancel this booking").count()
        page.screenshot(path=str(SHOTS / "06_outside_window.png"), full_page=True)

    assert inside.reference in listing and outside.reference in listing
    assert policy == (
        "Bookings for this service can be cancelled online up to 5 days before they start. "
        "Please contact the studio to cancel."
    )
    assert cancel_buttons == 0
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.status, inside.status_reason) == (AppointmentStatus.CANCELLED, "Away that week")
    assert outside.status == AppointmentStatus.CONFIRMED
