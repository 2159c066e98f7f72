"""The dashboard and the reports page in Chromium, on the demo studio's data: the charts draw,
nothing overflows a phone, and screenshots land in tests/artifacts/reports/ for a look."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.scheduling.demo import scheduling_demo_seed
from tenants.models import Membership, Role, Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, LiveServer, chromium_page

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "reports"
STAFF_EMAIL = "staff-e2e-reports@alpha.test"


@pytest.fixture
def demo_alpha(alpha_tx: Tenant) -> Iterator[Tenant]:
    """Alpha filled with the demo's three months of bookings (committed: the server is another
    process). alpha_tx's flush empties alpha's tables afterwards; the public rows made here (a
    staff login, its membership, the sessions) are removed explicitly."""
    owner = User.objects.get(email="owner@alpha.test")
    staff = User.objects.create_user(STAFF_EMAIL, TEST_PASSWORD, full_name="Theo Marsh")
    Membership.objects.create(user=staff, tenant=alpha_tx, role=Role.STAFF)
    with notifications_muted():
        scheduling_demo_seed(
            studio_timezone=alpha_tx.timezone,
            currency=alpha_tx.currency,
            now=timezone.now(),
            owner=owner,
            staff_user=staff,
        )
    yield alpha_tx
    connection.set_tenant(alpha_tx)
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") in {str(owner.pk), str(staff.pk)}:
            session.delete()
    Membership.objects.filter(user=staff).delete()
    staff.delete()


def _sign_in(page, server: LiveServer, email: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.studio_url("alpha", f"/accounts/login/?next={next_path}"))
    page.fill("#id_email", email)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.studio_url("alpha", next_path))
    page.wait_for_load_state("networkidle")


def _charts_drawn(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Ids of the canvases Chart.js has drawn into."""
    return page.evaluate(
        "[...document.querySelectorAll('canvas')].filter(c => window.Chart && "
        "window.Chart.getChart(c)).map(c => c.id)"
    )


def _overflow(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_owner_dashboard_and_reports(uvicorn_server: LiveServer, demo_alpha: Tenant) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, object] = {}
    for name, options in (("desktop", DESKTOP), ("phone", PHONE)):
        with chromium_page(**options) as page:
            _sign_in(page, uvicorn_server, "owner@alpha.test", "/app/")
            page.screenshot(path=str(SHOTS / f"dashboard_{name}.png"), full_page=True)
            found[f"dashboard_charts_{name}"] = _charts_drawn(page)
            found[f"dashboard_overflow_{name}"] = _overflow(page)
            found[f"today_{name}"] = page.locator(".today-card .today-item").count()

            page.goto(uvicorn_server.studio_url("alpha", "/app/reports/?preset=90d"))
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SHOTS / f"reports_{name}.png"), full_page=True)
            found[f"reports_charts_{name}"] = _charts_drawn(page)
            found[f"reports_overflow_{name}"] = _overflow(page)
            found[f"reports_dates_hidden_{name}"] = not page.locator("#id_start").is_visible()

            if name == "desktop":
                # Choosing custom dates shows them; a reversed range is refused beside the field.
                page.select_option("#id_preset", "custom")
                page.fill("#id_start", "2025-03-10")
                page.fill("#id_end", "2025-03-01")
                page.get_by_role("button", name="Show").click()
                page.wait_for_load_state("networkidle")
                found["range_error"] = page.locator("#id_end_error").inner_text()
                page.screenshot(path=str(SHOTS / "reports_range_error.png"), full_page=True)

    for name in ("desktop", "phone"):
        assert found[f"dashboard_charts_{name}"] == ["chart-bookings"]
        assert found[f"reports_charts_{name}"] == [
            "chart-bookings",
            "chart-rates",
            "chart-customers",
        ]
        assert found[f"dashboard_overflow_{name}"] == 0
        assert found[f"reports_overflow_{name}"] == 0
        assert found[f"reports_dates_hidden_{name}"] is True
    assert found["today_desktop"] == found["today_phone"]
    assert found["range_error"] == "The last day must be on or after the first day."


def test_staff_dashboard_shows_their_day_only(
    uvicorn_server: LiveServer, demo_alpha: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(**PHONE) as page:
        _sign_in(page, uvicorn_server, STAFF_EMAIL, "/app/")
        page.screenshot(path=str(SHOTS / "dashboard_staff_phone.png"), full_page=True)
        heading = page.locator("#today-title").inner_text()
        figures = page.locator("[data-figure]").count()
        staff_names = set(page.locator(".today-card .today-meta").all_inner_texts())
        reports = page.goto(uvicorn_server.studio_url("alpha", "/app/reports/"))

    assert heading == "Your day"
    assert figures == 0
    assert all("Theo Marsh" in text for text in staff_names)
    assert reports is not None
    assert reports.status == 404
