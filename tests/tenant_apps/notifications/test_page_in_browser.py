"""The notifications page in headless Chromium, at phone and desktop widths: the log reads as
cards on a phone, the filter chips and the reminder form work from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from tenant_apps.notifications.models import Notification, NotificationKind, NotificationStatus
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, chromium_page, uvicorn_server

pytestmark = pytest.mark.e2e
__all__ = ["uvicorn_server"]  # the live-server fixture, used by name below

SHOTS = ARTIFACTS / "notifications"


@pytest.fixture
def logged_rows(alpha_tx: Tenant) -> Iterator[None]:
    """Committed rows in alpha (the closing flush of `alpha_tx` removes them), and the owner's
    browser sessions removed afterwards (they live on public)."""
    Notification.objects.bulk_create(
        [
            Notification(
                kind=NotificationKind.BOOKING_CONFIRMED,
                recipient_email="anna.kowalska@example.test",
                recipient_name="Anna Kowalska",
                recipient_timezone="Europe/London",
                subject="Booking confirmed: Reformer Session on Mon 14 Jun, 10:00",
                dedupe_key="e2e:1",
                status=NotificationStatus.SENT,
                attempts=1,
            ),
            Notification(
                kind=NotificationKind.REMINDER,
                recipient_email="no-such-person@example.test",
                recipient_name="Oliver Bennett",
                recipient_timezone="Europe/London",
                subject="Reminder: Private Yoga on Tue 15 Jun, 14:00",
                dedupe_key="e2e:2",
                status=NotificationStatus.FAILED,
                attempts=5,
                last_error="SMTPRecipientsRefused: 550 5.1.1 Mailbox does not exist",
            ),
        ]
    )
    connection.set_schema_to_public()
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    yield
    connection.set_schema_to_public()
    Session.objects.exclude(session_key__in=sessions_before).delete()
    connection.set_tenant(alpha_tx)


def _log_in(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.studio_url("alpha", "/accounts/login/?next=/app/notifications/"))
    page.fill('input[name="username"], input[name="email"]', "owner@alpha.test")
    page.fill('input[name="password"]', TEST_PASSWORD)
    page.keyboard.press("Enter")
    # By path: the login page's own URL ends in "?next=/app/notifications/".
    page.wait_for_url(lambda url: urlsplit(url).path == "/app/notifications/")


def test_the_log_and_the_reminder_form_in_a_browser(uvicorn_server, logged_rows):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(**DESKTOP) as page:
        _log_in(page, uvicorn_server)
        assert page.locator("h1").inner_text() == "Notifications"
        assert page.locator(".notif-table tbody tr").count() == 2
        page.screenshot(path=str(SHOTS / "desktop.png"), full_page=True)

        page.get_by_role("link", name="Failed 1").click()
        page.wait_for_url(lambda url: urlsplit(url).query == "status=failed")
        rows = page.locator(".notif-table tbody tr")
        assert rows.count() == 1
        assert "Mailbox does not exist" in rows.first.inner_text()

        page.get_by_label("Send reminders before each appointment").fill("soon")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert "“soon” is not a time." in page.locator(".field-error").inner_text()
        page.screenshot(path=str(SHOTS / "desktop-error.png"), full_page=True)

    with chromium_page(**PHONE) as page:
        _log_in(page, uvicorn_server)
        first = page.locator(".notif-table tbody tr").first
        # On a phone each row is a card: its cells stack with their labels.
        assert first.evaluate("row => getComputedStyle(row).display") == "block"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(SHOTS / "phone.png"), full_page=True)
