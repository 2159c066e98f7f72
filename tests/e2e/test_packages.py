"""Credit packages in headless Chromium: the owner creates a product (after a form error),
sells it from a customer's profile, adjusts the credits (a refused overdraft first), and the
customer sees balance, expiry and history in the portal (screenshots in
tests/artifacts/packages/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import CustomerPackage
from tenant_apps.packages.services import credits_use
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, LiveServer, chromium_page
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import package_give, product_covering

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "packages"
EMAIL = "cora.credits-e2e@example.test"


@pytest.fixture
def studio_data(alpha_tx: Tenant) -> Iterator[Customer]:
    """Committed in alpha (the server is another process); alpha_tx's closing flush removes
    it all again, on alpha's schema only."""
    ServiceFactory(name="Private reformer")
    customer = CustomerFactory(full_name="Cora Credits", email=EMAIL)
    yield customer
    connection.set_tenant(alpha_tx)


def _log_in(page: Page, server: LiveServer) -> None:
    page.goto(server.studio_url("alpha", "/accounts/login/?next=/app/packages/"))
    page.fill("#id_email", "owner@alpha.test")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/app/packages/$"))


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


def test_owner_sells_and_adjusts_and_the_customer_sees_credits(
    uvicorn_server: LiveServer, studio_data: Customer
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    customer_id = studio_data.pk
    profile = uvicorn_server.studio_url("alpha", f"/app/customers/{customer_id}/")

    with chromium_page(**DESKTOP) as page:
        _log_in(page, uvicorn_server)
        expect(page.get_by_text("No packages yet.")).to_be_visible()
        page.get_by_role("link", name="+ New package").first.click()
        page.fill("#id_name", "Intro: 3 private sessions")
        page.fill("#id_credits", "0")
        page.get_by_role("button", name="Create package").click()
        expect(page.locator("#id_credits_error")).to_be_visible()
        page.screenshot(path=SHOTS / "product_form_error.png", full_page=True)
        page.fill("#id_credits", "3")
        page.fill("#id_price", "120")
        page.get_by_label("Private reformer").check()
        page.get_by_role("button", name="Create package").click()
        expect(page.get_by_text("“Intro: 3 private sessions” was added.")).to_be_visible()
        page.screenshot(path=SHOTS / "products.png", full_page=True)

        page.goto(profile)
        page.select_option(
            "#id_product", label="Intro: 3 private sessions · 3 credits · 120.00 GBP"
        )
        page.select_option("#id_sale_method", "card_terminal")
        page.get_by_role("button", name="Sell package").click()
        expect(page.get_by_text("Intro: 3 private sessions sold to Cora Credits")).to_be_visible()
        package = page.locator("article.credit-package")
        package.get_by_role("spinbutton", name="Credits").fill("-5")
        package.get_by_label("Reason").fill("Counted twice")
        package.get_by_role("button", name="Adjust credits").click()
        expect(page.get_by_text("you can take away at most 3")).to_be_visible()
        page.screenshot(path=SHOTS / "adjust_refused.png", full_page=True)
        page.locator("article.credit-package").get_by_role("spinbutton", name="Credits").fill("1")
        page.locator("article.credit-package").get_by_label("Reason").fill("Goodwill: moved class")
        page.locator("article.credit-package").get_by_role("button", name="Adjust credits").click()
        expect(page.get_by_text("+1 credit, 4 left")).to_be_visible()
        page.locator("article.credit-package summary").click()
        page.screenshot(path=SHOTS / "customer_profile.png", full_page=True)

    connection.set_tenant(Tenant.objects.get(slug="alpha"))
    package_row = CustomerPackage.objects.get(customer_id=customer_id)
    assert package_row.balance == 4
    service = package_row.product.services.get()
    credits_use(
        customer=studio_data,
        credits=1,
        now=timezone.now(),
        actor=Actor(label="Desk"),
        service=service,
    )
    package_give(
        customer=studio_data,
        product=product_covering(name="Old 5-pack", validity_days=10),
        purchased_at=timezone.now() - timedelta(days=30),
    )
    connection.set_schema_to_public()

    with chromium_page(**PHONE) as page:
        page.goto(uvicorn_server.studio_url("alpha", "/portal/"))
        page.get_by_label("Email address").fill(EMAIL)
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading", name="Check your inbox").wait_for()
        page.goto(_sign_in_link(uvicorn_server))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="My bookings").wait_for()
        page.get_by_role("link", name="My credits").click()
        page.get_by_role("heading", name="My credits").wait_for()
        expect(page.get_by_text("3 credits", exact=True)).to_be_visible()
        expect(page.get_by_text("Expired").first).to_be_visible()
        page.locator("summary").first.click()
        page.screenshot(path=SHOTS / "portal_credits_phone.png", full_page=True)
