"""The owner's customer list and profile, the team page, and a new person accepting an emailed
invitation, in headless Chromium at desktop and phone width (screenshots in
tests/artifacts/manage/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import AppointmentStatus
from tenants.models import Invitation, Membership, Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, LiveServer, chromium_page
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.customers.support import booking

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "manage"
LONDON = ZoneInfo("Europe/London")
INVITED = "robin.e2e-invite@example.test"


@pytest.fixture
def studio_data(alpha_tx: Tenant) -> Iterator[Customer]:
    """Committed customers and bookings in alpha (alpha_tx's flush removes them), and clean-up
    of the public rows the invitation creates."""
    anna = StaffMemberFactory(display_name="Anna Lee")
    weekly_hours_set(anna)
    reformer = ServiceFactory(name="Reformer 1:1", performers=[anna])
    mat = ServiceFactory(name="Mat class", performers=[anna])
    jane = CustomerFactory(
        full_name="Jane Doe",
        email="jane.doe@example.test",
        phone="+44 20 7946 0123",
        tags=["VIP", "prenatal"],
        notes="Knee injury in 2024: no deep lunges.",
        marketing_consent=True,
    )
    for name, email, tags in [
        ("Ben Carter", "ben.carter@example.test", ["intro offer"]),
        ("Chloé Martin", "chloe@example.test", []),
        ("Dev Patel", "dev.patel@longcompanyname-example.test", ["VIP"]),
        ("Emma Wilson", "emma.w@example.test", ["prenatal"]),
        ("Farah Khan", "farah@example.test", []),
    ]:
        CustomerFactory(full_name=name, email=email, tags=tags, phone="+44 7700 900123")
    today = timezone.now().astimezone(LONDON).date()
    for days, service, status in [
        (3, reformer, AppointmentStatus.CONFIRMED),
        (10, mat, AppointmentStatus.PENDING),
        (-7, reformer, AppointmentStatus.COMPLETED),
        (-21, mat, AppointmentStatus.NO_SHOW),
        (-30, reformer, AppointmentStatus.CANCELLED),
    ]:
        start = datetime.combine(today + timedelta(days=days), time(10), LONDON)
        booking(service, anna, jane, start, status)
    yield jane
    connection.set_schema_to_public()
    Invitation.objects.filter(email=INVITED).delete()
    Membership.objects.filter(user__email=INVITED).delete()
    User.objects.filter(email=INVITED).delete()
    connection.set_tenant(alpha_tx)


def _log_in(page: Page, server: LiveServer) -> None:
    page.goto(server.studio_url("alpha", "/accounts/login/?next=/app/customers/"))
    page.fill("#id_email", "owner@alpha.test")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/app/customers/$"))


def _invite_link(server: LiveServer) -> str:
    messages = [m for m in server.sent_mail() if INVITED in str(m["To"])]
    assert messages, "no invitation email was sent"
    body = messages[-1].get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"http://alpha\.localhost:\d+/invite/[^\s/]+/", body.get_content())
    assert match, body.get_content()
    return match.group(0)


def test_customers_team_and_invitation(uvicorn_server: LiveServer, studio_data: Customer) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    jane_id = studio_data.pk
    for label, options in (("desktop", DESKTOP), ("phone", PHONE)):
        with chromium_page(**options) as page:
            _log_in(page, uvicorn_server)
            expect(page.get_by_role("link", name="Jane Doe")).to_be_visible()
            page.screenshot(path=SHOTS / f"customers_{label}.png", full_page=True)

            page.fill("#id_q", "vip")
            page.get_by_role("button", name="Search").click()
            expect(page.get_by_text("2 customers match “vip”")).to_be_visible()

            page.goto(uvicorn_server.studio_url("alpha", f"/app/customers/{jane_id}/"))
            expect(page.get_by_role("heading", name="Jane Doe")).to_be_visible()
            expect(page.get_by_text("Reformer 1:1").first).to_be_visible()
            page.screenshot(path=SHOTS / f"customer_profile_{label}.png", full_page=True)

            page.goto(uvicorn_server.studio_url("alpha", "/app/team/"))
            if label == "desktop":
                page.fill("#id_email", INVITED)
                page.select_option("#id_role", "manager")
                page.get_by_role("button", name="Send invitation").click()
                expect(page.get_by_text(f"Invitation sent to {INVITED}.")).to_be_visible()
            expect(page.get_by_role("cell", name=INVITED)).to_be_visible()
            page.screenshot(path=SHOTS / f"team_{label}.png", full_page=True)

    link = _invite_link(uvicorn_server)
    with chromium_page(**PHONE) as page:
        page.goto(link)
        expect(page.get_by_role("heading", name="Join Alpha Pilates")).to_be_visible()
        page.screenshot(path=SHOTS / "invite_accept_phone.png", full_page=True)
    with chromium_page(**DESKTOP) as page:
        page.goto(link)
        page.screenshot(path=SHOTS / "invite_accept_desktop.png", full_page=True)
        page.get_by_role("button", name="Create my account and join").click()
        expect(page.get_by_text("This field is required.").first).to_be_visible()
        page.fill("#id_full_name", "Robin Invitee")
        page.fill("#id_password", TEST_PASSWORD)
        page.get_by_role("button", name="Create my account and join").click()
        page.wait_for_url(re.compile(r"/app/$"))
        expect(page.get_by_text("Welcome to Alpha Pilates!")).to_be_visible()
        page.goto(link)
        expect(page.get_by_role("heading", name="This invitation has been used")).to_be_visible()
        page.screenshot(path=SHOTS / "invite_used_desktop.png", full_page=True)

    connection.set_schema_to_public()
    joined = Membership.objects.get(user__email=INVITED)
    assert (joined.tenant.slug, joined.role) == ("alpha", "manager")
