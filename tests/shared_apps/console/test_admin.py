"""The audit log and support sessions in the Django admin: read-only, platform host only."""

import pytest
from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.console.services import audit_entry_create
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def superuser_client(db) -> Client:
    user = User.objects.create_superuser("root@studiobook.test", TEST_PASSWORD, full_name="Root")
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(user)
    return browser


def test_audit_log_is_listed_and_readable_but_not_writable(superuser_client, alpha):
    entry = audit_entry_create(actor=None, action="tenant.suspend", tenant=alpha, reason="r")

    assert superuser_client.get("/admin/console/platformauditlog/").status_code == 200
    assert (
        superuser_client.get(f"/admin/console/platformauditlog/{entry.pk}/change/").status_code
        == 200
    )
    assert superuser_client.get("/admin/console/platformauditlog/add/").status_code == 403
    assert (
        superuser_client.get(f"/admin/console/platformauditlog/{entry.pk}/delete/").status_code
        == 403
    )
    response = superuser_client.post(
        f"/admin/console/platformauditlog/{entry.pk}/change/", {"reason": "rewritten"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.reason == "r"


def test_impersonation_sessions_are_read_only(superuser_client):
    assert superuser_client.get("/admin/console/impersonationsession/").status_code == 200
    assert superuser_client.get("/admin/console/impersonationsession/add/").status_code == 403


def test_admin_is_not_reachable_on_a_studio_host(db, alpha):
    user = User.objects.create_superuser("root2@studiobook.test", TEST_PASSWORD, full_name="R")
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(user)

    assert browser.get("/admin/").status_code == 404
    assert browser.get("/admin/console/platformauditlog/").status_code == 404
