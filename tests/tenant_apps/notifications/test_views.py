"""The owner page /app/notifications/: who may see it, the log, the reminder settings form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from tenant_apps.notifications.models import (
    Notification,
    NotificationKind,
    NotificationSettings,
    NotificationStatus,
)
from tenants.models import Membership, Role, Tenant
from tests.conftest import TEST_PASSWORD

URL = "/app/notifications/"
HOST = "alpha.localhost"


@pytest.fixture
def web(db) -> Client:  # type: ignore[no-untyped-def]
    return Client()


def _member(tenant: Tenant, role: str) -> User:
    user = User.objects.create_user(f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=role)
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def _rows(schema: str, count: int, **fields) -> None:  # type: ignore[no-untyped-def]
    with schema_context(schema):
        Notification.objects.bulk_create(
            Notification(
                kind=NotificationKind.BOOKING_CONFIRMED,
                recipient_email=f"person{n}@example.test",
                recipient_name=f"Person {n}",
                recipient_timezone="Europe/London",
                subject=f"Booking confirmed {n}",
                dedupe_key=f"test:{schema}:{fields.get('status', 'sent')}:{n}",
                **fields,
            )
            for n in range(count)
        )
    connection.set_schema_to_public()


def test_anonymous_visitors_are_sent_to_log_in(web, alpha):
    response = web.get(URL, HTTP_HOST=HOST)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_staff_may_not_see_it_nor_change_reminders(web, alpha):
    web.force_login(_member(alpha, Role.STAFF))

    assert web.get(URL, HTTP_HOST=HOST).status_code == 404
    assert web.post(URL, {"reminders": "2h"}, HTTP_HOST=HOST).status_code == 404
    with schema_context("alpha"):
        assert not NotificationSettings.objects.exists()
    nav = web.get("/app/", HTTP_HOST=HOST).content.decode()
    assert 'href="/app/notifications/"' not in nav


def test_managers_see_the_log_newest_first_in_the_studio_zone(web, alpha):
    _rows(
        "alpha",
        1,
        status=NotificationStatus.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )
    with schema_context("alpha"):
        Notification.objects.update(created_at=datetime(2026, 6, 14, 9, tzinfo=UTC))
    _rows("alpha", 1, status=NotificationStatus.SENT, attempts=1)
    _rows("beta", 1, status=NotificationStatus.QUEUED)
    web.force_login(_member(alpha, Role.MANAGER))

    response = web.get(URL, HTTP_HOST=HOST)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/app/notifications/" aria-current="page"' in page  # the sidebar item
    assert page.index("Booking confirmed 0") > 0
    assert "Last error: SMTPRecipientsRefused: mailbox unavailable" in page
    assert "14 Jun, 10:00" in page  # 09:00 UTC shown in London time
    assert [n.status for n in response.context["page"].object_list] == ["sent", "failed"]
    assert response.context["total"] == 2  # beta's row is not alpha's


def test_the_log_filters_by_status_and_pages(web, alpha, alpha_owner):
    _rows("alpha", 30, status=NotificationStatus.SENT, attempts=1)
    _rows("alpha", 2, status=NotificationStatus.FAILED, attempts=5)
    web.force_login(alpha_owner)

    failed = web.get(URL, {"status": "failed"}, HTTP_HOST=HOST)
    first = web.get(URL, HTTP_HOST=HOST)
    second = web.get(URL, {"page": 2}, HTTP_HOST=HOST)
    bogus = web.get(URL, {"status": "nonsense", "page": "x"}, HTTP_HOST=HOST)

    assert {n.status for n in failed.context["page"].object_list} == {"failed"}
    assert len(failed.context["page"].object_list) == 2
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 7
    assert 'rel="next"' in first.content.decode()
    assert bogus.status_code == 200
    assert len(bogus.context["page"].object_list) == 25


def test_owners_set_reminder_times(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    response = web.post(URL, {"reminders": "2 days, 90m, 1h"}, HTTP_HOST=HOST)

    assert response.status_code == 302
    with schema_context("alpha"):
        assert NotificationSettings.objects.get().reminder_offsets_minutes == [2880, 90, 60]
    page = web.get(URL, HTTP_HOST=HOST).content.decode()
    assert 'value="48h, 90m, 1h"' in page
    assert "Reminders are on." in page


def test_an_empty_field_switches_reminders_off(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    assert web.post(URL, {"reminders": ""}, HTTP_HOST=HOST).status_code == 302

    with schema_context("alpha"):
        assert NotificationSettings.objects.get().reminder_offsets_minutes == []
    assert "Reminders are off." in web.get(URL, HTTP_HOST=HOST).content.decode()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("soon", "“soon” is not a time."),
        ("5m", "Reminders go out between 10 minutes and 7 days before the appointment."),
        ("8 days", "Reminders go out between 10 minutes and 7 days before the appointment."),
        ("1h, 60", "Each reminder time may appear once."),
        ("1h, 2h, 3h, 4h", "Choose at most 3 reminder times."),
    ],
)
def test_bad_reminder_times_are_explained_beside_the_field(web, alpha, alpha_owner, value, error):
    web.force_login(alpha_owner)

    response = web.post(URL, {"reminders": value}, HTTP_HOST=HOST)

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert 'aria-invalid="true"' in page
    assert f'value="{value}"' in page  # what they typed stays
    with schema_context("alpha"):
        assert not NotificationSettings.objects.exists()
