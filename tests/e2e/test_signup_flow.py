"""A visitor becomes a studio owner: landing page -> sign-up form -> progress -> owner app."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from shared_apps.accounts.models import User
from shared_apps.marketing.models import StudioSignup
from tenants.models import Membership, Role, Tenant
from tenants.provisioning import tenant_hard_delete
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, chromium_page
from tests.shared_apps.marketing.support import schema_exists

pytestmark = pytest.mark.e2e

PASSWORD = "Quiet-Lagoon-Reformer-7"


@pytest.fixture
def new_studio(alpha_tx) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Names for the studio the test creates. The server commits, so this is a transactional
    test; `alpha_tx` makes its closing flush run on alpha's schema, never on public. The studio,
    its owner, their sessions and the sign-up are removed here, explicitly."""
    suffix = secrets.token_hex(3)
    names = {"slug": f"e2e-{suffix}", "email": f"owner-{suffix}@e2e.test"}
    connection.set_schema_to_public()
    yield names
    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(slug=names["slug"]):
        tenant_hard_delete(tenant=tenant)
    StudioSignup.objects.filter(slug=names["slug"]).delete()
    for user in User.objects.filter(email=names["email"]):
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") == str(user.pk):
                session.delete()
        # Tenant tables may point at users (staff profiles): delete from a studio's schema so
        # the collector finds those tables (public alone has none of them).
        connection.set_tenant(alpha_tx)
        user.delete()
        connection.set_schema_to_public()
    assert not schema_exists(names["slug"].replace("-", "_"))
    assert set(Tenant.objects.values_list("slug", flat=True)) >= {"alpha", "beta"}


def test_visitor_signs_up_and_lands_in_the_owner_app(uvicorn_server, new_studio):
    slug, email = new_studio["slug"], new_studio["email"]
    dashboard = uvicorn_server.studio_url(slug, "/app/")

    with chromium_page(**DESKTOP) as page:
        page.goto(uvicorn_server.platform_url + "/")
        hero = page.locator("h1").first.inner_text()
        studio_price = page.locator('[data-plan="studio"] .plan-amount').inner_text()
        page.screenshot(path=str(ARTIFACTS / "landing.png"), full_page=True)

        page.locator('a[data-cta="hero"]').click()
        page.wait_for_url(uvicorn_server.platform_url + "/signup/")
        page.fill("#id_studio_name", "E2E Reformer Studio")
        suggested = page.input_value("#id_slug")  # suggested from the name
        page.fill("#id_slug", slug)
        page.locator("#slug-status.ok").wait_for()
        slug_status = page.locator("#slug-status").inner_text()
        page.select_option("#id_timezone", "Europe/London")
        page.select_option("#id_currency", "GBP")
        page.fill("#id_full_name", "Erin Tester")
        page.fill("#id_email", email)
        page.fill("#id_password", PASSWORD)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / "signup_form.png"), full_page=True)
        page.get_by_role("button", name="Create my studio").click()
        page.wait_for_url(re.compile(r"/signup/[\w-]+/$"))
        page.screenshot(path=str(ARTIFACTS / "signup_progress.png"))

        # Progress page -> hand-off on the studio's host -> the owner app, signed in.
        page.wait_for_url(dashboard, timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / "signup_dashboard.png"), full_page=True)
        landed_url = page.url
        heading = page.locator("h1").first.inner_text()
        password_inputs = page.locator('input[name="password"]').count()
        cookies = {c["name"] for c in page.context.cookies(dashboard)}

    assert hero.startswith("Fill your classes.")
    assert studio_price == "$79"
    assert suggested == "e2e-reformer-studio"
    assert slug_status == f"{slug}.localhost is available"
    assert landed_url == dashboard
    # The owner app's dashboard greets its owner (templates/studio/dashboard.html): signed in.
    assert re.fullmatch(r"Good (morning|afternoon|evening), Erin", heading), heading
    assert password_inputs == 0
    assert "sessionid" in cookies
    connection.set_schema_to_public()
    tenant = Tenant.objects.get(slug=slug)
    owner = User.objects.get(email=email)
    assert (tenant.name, tenant.timezone, tenant.currency) == (
        "E2E Reformer Studio",
        "Europe/London",
        "GBP",
    )
    assert Membership.objects.get(tenant=tenant).role == Role.OWNER
    assert owner.check_password(PASSWORD)
    assert StudioSignup.objects.get(slug=slug).status == "done"


@pytest.mark.django_db  # the server reads the test database; nothing is written here
def test_marketing_pages_fit_a_phone(uvicorn_server):
    overflows = {}
    with chromium_page(**PHONE) as page:
        for path, shot in (("/", "landing_phone.png"), ("/signup/", "signup_phone.png")):
            page.goto(uvicorn_server.platform_url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
            overflows[path] = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
        preset_zone = page.input_value("#id_timezone")
        # A submission with mistakes: each error beside its field, what was typed kept.
        page.fill("#id_studio_name", "Phone Studio")
        page.fill("#id_slug", "www")
        page.fill("#id_full_name", "Pat Phone")
        page.fill("#id_email", "owner@alpha.test")
        page.fill("#id_password", "password")
        page.get_by_role("button", name="Create my studio").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / "signup_errors_phone.png"), full_page=True)
        errors = {
            name: page.locator(f'[data-field="{name}"] .field-error').inner_text()
            for name in ("slug", "email", "password")
        }
        kept = page.input_value("#id_slug"), page.input_value("#id_password")
        overflows["errors"] = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )

    assert overflows == {"/": 0, "/signup/": 0, "errors": 0}  # nothing scrolls sideways
    assert preset_zone == "Europe/Berlin"  # app.js preset the browser's time zone
    assert errors == {
        "slug": "This subdomain is reserved. Please choose another.",
        "email": "An account with this email already exists. Log in first, then add your studio.",
        "password": "This password is too common.",
    }
    assert kept == ("www", "")
