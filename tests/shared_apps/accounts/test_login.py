from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY

from shared_apps.accounts.models import User
from tenants.models import Membership, Role
from tests.conftest import TEST_PASSWORD
from tests.shared_apps.accounts.conftest import login


@pytest.mark.parametrize(
    ("host", "heading"),
    [("localhost", b"Welcome back"), ("alpha.localhost", b"Log in to Alpha Pilates")],
)
def test_login_page_renders_on_platform_and_studio_hosts(web, alpha, host, heading):
    response = web.get("/accounts/login/", HTTP_HOST=host)

    assert response.status_code == 200
    assert heading in response.content
    assert b'name="email"' in response.content
    assert b'href="/accounts/password/reset/"' in response.content


def test_owner_login_on_studio_host_lands_on_app(web, alpha_owner):
    response = login(web, "alpha.localhost", "owner@alpha.test")

    assert response.status_code == 302
    assert response["Location"] == "/app/"
    assert web.session[SESSION_KEY] == str(alpha_owner.pk)
    assert web.get("/app/", HTTP_HOST="alpha.localhost").status_code == 200


def test_owner_login_on_platform_host_lands_on_studio_list(web, alpha_owner):
    response = login(web, "localhost", "owner@alpha.test")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/studios/"
    page = web.get("/accounts/studios/", HTTP_HOST="localhost")
    assert page.status_code == 200
    assert b"Alpha Pilates" in page.content
    assert b'href="/accounts/studios/alpha/open/"' in page.content


def test_operator_login_on_platform_host_lands_on_console(web, db):
    User.objects.create_user("op@studiobook.test", TEST_PASSWORD, full_name="Op", is_staff=True)

    response = login(web, "localhost", "op@studiobook.test")

    assert response.status_code == 302
    assert response["Location"] == "/console/"


def test_login_follows_a_safe_next_path(web, alpha_owner):
    response = login(web, "alpha.localhost", "owner@alpha.test", next="/app/settings/")

    assert response.status_code == 302
    assert response["Location"] == "/app/settings/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/steal", "//evil.example/", "http://beta.localhost/app/"]
)
def test_login_ignores_a_next_url_on_another_host(web, alpha_owner, next_url):
    response = login(web, "alpha.localhost", "owner@alpha.test", next=next_url)

    assert response.status_code == 302
    assert response["Location"] == "/app/"


def test_login_email_is_case_and_space_insensitive(web, alpha_owner):
    response = login(web, "alpha.localhost", "  Owner@ALPHA.test ")

    assert response.status_code == 302
    assert web.session[SESSION_KEY] == str(alpha_owner.pk)


@pytest.mark.parametrize(
    ("email", "password"),
    [("owner@alpha.test", "wrong-password"), ("nobody@alpha.test", TEST_PASSWORD)],
)
def test_login_failure_shows_one_generic_error_and_signs_nobody_in(
    web, alpha_owner, email, password
):
    response = login(web, "alpha.localhost", email, password)

    assert response.status_code == 200
    assert b"Enter a correct email and password." in response.content
    assert SESSION_KEY not in web.session
    assert f'value="{email}"'.encode() in response.content  # what they typed is kept


def test_login_form_errors_sit_beside_the_fields(web, alpha):
    response = web.post(
        "/accounts/login/", {"email": "not-an-email", "password": ""}, HTTP_HOST="alpha.localhost"
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_email_error"' in content
    assert "Enter a valid email address." in content
    assert 'id="id_password_error"' in content


def test_inactive_account_cannot_log_in(web, alpha_owner):
    alpha_owner.is_active = False
    alpha_owner.save(update_fields=["is_active"])

    response = login(web, "alpha.localhost", "owner@alpha.test")

    assert response.status_code == 200
    assert SESSION_KEY not in web.session


def test_login_of_a_non_member_on_a_studio_host_explains_and_lists_their_studios(
    web, alpha, beta_owner
):
    response = login(web, "alpha.localhost", "owner@beta.test")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/studios/"
    page = web.get("/accounts/studios/", HTTP_HOST="alpha.localhost")
    assert b"This account has no access to <strong>Alpha Pilates</strong>" in page.content
    assert b'href="/accounts/studios/beta/open/"' in page.content


def test_signed_in_visitor_of_login_page_goes_straight_on(web, alpha_owner):
    web.force_login(alpha_owner)

    response = web.get("/accounts/login/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/app/"


def test_logout_ends_the_session(web, alpha_owner):
    login(web, "alpha.localhost", "owner@alpha.test")

    response = web.post("/accounts/logout/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in web.session
    assert (
        web.get("/app/", HTTP_HOST="alpha.localhost")["Location"] == "/accounts/login/?next=/app/"
    )


def test_logout_by_get_is_refused(web, alpha_owner):
    web.force_login(alpha_owner)

    response = web.get("/accounts/logout/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 405
    assert SESSION_KEY in web.session


def test_studio_list_needs_a_login(web, alpha):
    response = web.get("/accounts/studios/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/studios/"


def test_studio_list_shows_every_membership(web, alpha_owner, beta):
    Membership.objects.create(user=alpha_owner, tenant=beta, role=Role.STAFF)
    web.force_login(alpha_owner)

    response = web.get("/accounts/studios/", HTTP_HOST="localhost")

    content = response.content.decode()
    assert content.index("Alpha Pilates") < content.index("Beta Yoga")
    assert 'href="/accounts/studios/alpha/open/"' in content
    assert 'href="/accounts/studios/beta/open/"' in content
    assert "Staff" in content


def test_studio_list_for_someone_without_studios_offers_sign_up(web, outsider):
    web.force_login(outsider)

    response = web.get("/accounts/studios/", HTTP_HOST="localhost")

    assert b"You are not a member of any studio yet." in response.content


def test_opening_a_studio_hands_the_person_off_signed_in(web, alpha_owner, alpha):
    web.force_login(alpha_owner)

    response = web.get("/accounts/studios/alpha/open/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"].startswith("http://alpha.localhost:8000/accounts/handoff/?token=")
    studio_browser = type(web)()  # a fresh cookie jar: nobody is signed in on alpha yet
    path = response["Location"].removeprefix("http://alpha.localhost:8000")
    landed = studio_browser.get(path, HTTP_HOST="alpha.localhost")
    assert landed.status_code == 302
    assert landed["Location"] == "/app/"
    assert studio_browser.session[SESSION_KEY] == str(alpha_owner.pk)


def test_opening_a_studio_one_does_not_belong_to_is_not_found(web, alpha_owner, beta):
    web.force_login(alpha_owner)

    response = web.get("/accounts/studios/beta/open/", HTTP_HOST="localhost")

    assert response.status_code == 404
