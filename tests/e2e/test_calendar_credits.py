"""Paying an appointment with a package credit from the owner's calendar, in headless Chromium
against a real server.

The "New appointment" dialog offers the credit once an existing customer with a covering
package and a service are chosen (not for a new customer, nor for a customer without credits);
booking with it takes one credit, the side panel says so, and cancelling from the panel gives
it back. When the credits are gone by the time the owner books, the refusal shows in the dialog
and booking without the credit still works. Screenshots go to tests/artifacts/calendar_credits/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Locator, Page

from tenant_apps.packages.models import CreditEntry, CreditEntryKind, CustomerPackage
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, LiveServer, chromium_page
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.packages import package_give, product_covering

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "calendar_credits"
LONDON = ZoneInfo("Europe/London")
OFFER = re.compile(r"Pay with a package credit")


def _day() -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


@pytest.fixture
def studio(alpha_tx: Tenant) -> Iterator[dict[str, Any]]:
    """Committed in alpha (the server is another process): Ann gives a 60-minute massage every
    day 09-17; Pat holds a "10-class pass" for massages (ten credits, bought yesterday, valid 90
    days); Nia holds nothing. alpha_tx's closing flush removes it all again."""
    connection.set_schema_to_public()
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    connection.set_tenant(alpha_tx)
    ann = StaffMemberFactory(display_name="Ann Lee", color="#0ea5e9")
    weekly_hours_set(ann)
    massage = ServiceFactory(name="Massage", performers=[ann], color="#6366f1")
    pat = CustomerFactory(full_name="Pat Credits", email="pat.credits-e2e@example.test")
    CustomerFactory(full_name="Nia Nocredit", email="nia.nocredit-e2e@example.test")
    package = package_give(
        customer=pat,
        product=product_covering(
            name="10-class pass", services=[massage], credits=10, validity_days=90
        ),
        purchased_at=timezone.now() - timedelta(days=1),
    )
    yield {"ann": ann, "massage": massage, "pat": pat, "package": package, "day": _day()}
    connection.set_schema_to_public()
    Session.objects.exclude(session_key__in=sessions_before).delete()
    connection.set_tenant(alpha_tx)


def _sign_in(page: Page, server: LiveServer, path: str) -> None:
    page.goto(server.studio_url("alpha", path))
    page.get_by_label("Email").fill("owner@alpha.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/app/calendar/"))
    page.wait_for_selector("#calendar[aria-busy=false]")


def _new_appointment(page: Page, day: date, at: str) -> Locator:
    page.get_by_role("button", name="New appointment").click()
    dialog = page.locator("#create-dialog")
    dialog.wait_for()
    dialog.get_by_label("Date").fill(day.isoformat())
    dialog.get_by_label("Starts at").fill(at)
    return dialog


def _choose(dialog: Locator, term: str, name: str) -> None:
    dialog.get_by_label("Find a customer").fill(term)
    dialog.get_by_role("option", name=re.compile(name)).click()
    dialog.locator("[data-chosen-name]", has_text=name).wait_for()


def _api(page: Page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The owner API with the browser's own session, as another tab of the desk would call it
    (from the page: the browser resolves the studio's *.localhost host)."""
    answer = page.evaluate(
        """async ([method, path, body]) => {
            const csrf = document.getElementById("calendar-page").dataset.csrf;
            const response = await fetch(path, {
                method,
                credentials: "same-origin",
                headers: {
                    Accept: "application/json",
                    "Content-Type": "application/json",
                    "X-CSRFToken": csrf,
                },
                body: body ? JSON.stringify(body) : undefined,
            });
            return { status: response.status, body: await response.json() };
        }""",
        [method, path, body],
    )
    assert 200 <= answer["status"] < 300, answer
    return answer["body"]


def _expiry_pattern(expires_at: datetime) -> str:
    """How the dialog writes the expiry ("12 Jan", with the year when it isn't this year):
    en-GB month abbreviations vary with the browser's ICU ("Sep" or "Sept")."""
    local = expires_at.astimezone(LONDON)
    year = "" if local.year == timezone.now().astimezone(LONDON).year else f" {local.year}"
    return f"{local.day} {local.strftime('%b')}\\w*{year}"


def test_owner_books_with_a_credit_and_cancelling_gives_it_back(
    uvicorn_server: LiveServer, studio: dict[str, Any], alpha_tx: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    day = studio["day"]
    package: CustomerPackage = studio["package"]
    assert package.expires_at is not None
    offer_text = re.compile(
        r"^Pay with a package credit \(10 left in ‘10-class pass’, expires "
        + _expiry_pattern(package.expires_at)
        + r"\)$"
    )
    package_url = f"/api/v1/customer-packages/{package.pk}/"

    with chromium_page(**DESKTOP) as page:
        _sign_in(page, uvicorn_server, f"/app/calendar/?view=day&date={day}")
        dialog = _new_appointment(page, day, "11:00")
        offer = dialog.locator("[data-credits]")
        box = dialog.get_by_role("checkbox", name=OFFER)

        # Nobody chosen yet, then a customer without credits: no offer.
        assert offer.is_hidden()
        _choose(dialog, "Nia No", "Nia Nocredit")
        dialog.get_by_text("Ends at 12:00 (60 minutes).").wait_for()
        page.wait_for_timeout(400)  # the credits answer has come back by now
        assert offer.is_hidden()

        # Pat holds a covering package: offered, with what is left and when it expires.
        dialog.get_by_role("button", name="Change").click()
        _choose(dialog, "Pat Cre", "Pat Credits")
        offer.wait_for()
        assert offer_text.match(dialog.locator("[data-credits-label]").inner_text())
        assert box.is_checked() is False
        assert dialog.locator("[data-credits-help]").inner_text() == (
            "Cancelling or declining the appointment gives the credit back."
        )

        # A new customer, created inline, has no package yet: no offer.
        dialog.get_by_role("button", name="Change").click()
        dialog.get_by_role("button", name="add a new customer").click()
        assert offer.is_hidden()
        dialog.get_by_role("button", name="Find an existing customer instead").click()
        _choose(dialog, "Pat Cre", "Pat Credits")
        offer.wait_for()

        box.check()
        page.screenshot(path=str(SHOTS / "01_offer.png"))
        dialog.get_by_role("button", name="Book appointment").click()
        page.get_by_text(
            re.compile(
                r"^Booked Pat Credits for Massage, .*, paid with 1 credit from ‘10-class pass’\.$"
            )
        ).wait_for()
        assert _api(page, "GET", package_url)["balance"] == 9

        # The side panel says how it was paid.
        page.locator(".ec-event", has_text="Pat Credits").click()
        panel = page.locator("#appointment-panel")
        credit = panel.locator("[data-panel-credit]")
        credit.wait_for()
        assert credit.get_attribute("data-panel-credit") == "paid"
        assert credit.locator("[data-credit-text]").inner_text() == (
            "Paid with 1 credit from ‘10-class pass’"
        )
        assert credit.get_by_role("link", name="View packages").get_attribute("href") == (
            f"/app/packages/customers/{studio['pat'].pk}/"
        )
        page.screenshot(path=str(SHOTS / "02_panel_paid.png"))

        # Cancelled from the panel: the credit goes back to the package.
        panel.get_by_role("button", name="Cancel appointment").click()
        panel.get_by_label("Reason (the customer is told)").fill("Pat is unwell")
        panel.get_by_role("button", name="Cancel booking").click()
        panel.locator("[data-panel-status=cancelled]").wait_for()
        panel.locator("[data-panel-credit=returned]").wait_for()
        returned = panel.locator("[data-panel-credit]")
        assert returned.locator("[data-credit-text]").inner_text() == (
            "Credit returned to ‘10-class pass’"
        )
        assert re.match(r"^\d{1,2} \w+, \d\d:\d\d$", returned.locator(".muted").inner_text())
        assert "null" not in panel.locator("[data-panel-body]").inner_text()
        assert _api(page, "GET", package_url)["balance"] == 10
        page.screenshot(path=str(SHOTS / "03_panel_returned.png"))
        page.keyboard.press("Escape")
        panel.wait_for(state="hidden")

        # Offered, but the credits are gone by the time the owner books (the desk took them
        # in another tab): the refusal shows in the dialog, and booking without works.
        dialog = _new_appointment(page, day, "14:00")
        _choose(dialog, "Pat Cre", "Pat Credits")
        dialog.locator("[data-credits]").wait_for()
        _api(
            page,
            "POST",
            f"{package_url}adjust/",
            {"amount": -10, "reason": "Moved to another studio"},
        )
        dialog.get_by_role("checkbox", name=OFFER).check()
        dialog.get_by_role("button", name="Book appointment").click()
        refusal = dialog.locator("[data-form-error]")
        refusal.get_by_text(
            "Pat Credits has no package with 1 credit left that pays for this."
        ).wait_for()
        dialog.locator("[data-credits]").wait_for(state="hidden")
        page.screenshot(path=str(SHOTS / "04_refused.png"))
        dialog.get_by_role("button", name="Book appointment").click()
        page.get_by_text(re.compile(r"^Booked Pat Credits for Massage, .*\)\.$")).wait_for()

    connection.set_tenant(alpha_tx)
    package.refresh_from_db()
    assert package.balance == 0
    assert list(package.entries.order_by("id").values_list("kind", "amount", "balance_after")) == [
        (CreditEntryKind.PURCHASE, 10, 10),
        (CreditEntryKind.USE, -1, 9),
        (CreditEntryKind.REFUND, 1, 10),
        (CreditEntryKind.ADJUSTMENT, -10, 0),
    ]
    booked = {
        (a.start.astimezone(LONDON).time(), a.status): a
        for a in Appointment.objects.filter(customer=studio["pat"])
    }
    assert set(booked) == {
        (time(11), AppointmentStatus.CANCELLED),
        (time(14), AppointmentStatus.CONFIRMED),
    }
    use = CreditEntry.objects.get(kind=CreditEntryKind.USE)
    assert use.appointment_id == booked[(time(11), AppointmentStatus.CANCELLED)].pk
