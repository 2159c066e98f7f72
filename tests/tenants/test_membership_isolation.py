"""A session is only as good as the membership behind it: the sessions table is shared by every
host (public schema), so each studio must check membership itself."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.test import Client

from shared_apps.accounts.models import User
from tenants.models import Membership, Role, Tenant
from tests.conftest import TEST_PASSWORD


def _log_in(client: Client, host: str, email: str) -> None:
    response = client.post(
        "/accounts/login/", {"email": email, "password": TEST_PASSWORD}, HTTP_HOST=host
    )
    assert response.status_code == 302


def test_alphas_session_opens_alpha_and_not_beta(alpha, beta, alpha_owner):
    browser = Client()
    _log_in(browser, "alpha.localhost", "owner@alpha.test")

    on_alpha = browser.get("/app/", HTTP_HOST="alpha.localhost")
    on_beta = browser.get("/app/", HTTP_HOST="beta.localhost")  # the SAME session cookie
    beta_settings = browser.get("/app/settings/", HTTP_HOST="beta.localhost")
    beta_api = browser.get("/api/v1/studio/", HTTP_HOST="beta.localhost")

    assert on_alpha.status_code == 200
    assert on_beta.status_code == 404
    assert beta_settings.status_code == 404
    assert beta_api.status_code == 404
    assert browser.session[SESSION_KEY] == str(alpha_owner.pk)


def test_anonymous_visitors_of_beta_are_sent_to_login(beta):
    response = Client().get("/app/", HTTP_HOST="beta.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/app/"


def test_alpha_staff_see_the_dashboard_but_cannot_change_settings(alpha):
    staff = User.objects.create_user("staff@alpha.test", TEST_PASSWORD, full_name="Sam Staff")
    Membership.objects.create(user=staff, tenant=alpha, role=Role.STAFF)
    browser = Client()
    _log_in(browser, "alpha.localhost", "staff@alpha.test")

    dashboard = browser.get("/app/", HTTP_HOST="alpha.localhost")
    settings_page = browser.get("/app/settings/", HTTP_HOST="alpha.localhost")
    settings_post = browser.post(
        "/app/settings/",
        {"name": "Hijacked", "timezone": "UTC", "currency": "USD"},
        HTTP_HOST="alpha.localhost",
    )

    assert dashboard.status_code == 200
    assert b"Sam" in dashboard.content
    assert settings_page.status_code == 404
    assert settings_post.status_code == 404
    assert Tenant.objects.get(pk=alpha.pk).name == "Alpha Pilates"
