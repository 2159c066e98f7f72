from urllib.parse import urlsplit

import pytest
from django.test import Client

from billing.models import Plan
from shared_apps.accounts.models import User
from shared_apps.marketing.models import SignupStatus, StudioSignup
from shared_apps.marketing.services import signup_provision
from tenants.models import Domain, Membership, Role, Tenant, TenantStatus
from tenants.provisioning import StudioDetails, tenant_provision
from tests.shared_apps.marketing.support import (
    PASSWORD,
    VALID,
    field_block,
    row_counts,
    schema_exists,
)

FAILED_UNEXPECTEDLY = (
    "We could not create your studio: something went wrong on our side (we have been "
    "notified). Nothing was saved; please try again."
)


def _sign_up(client, django_capture_on_commit_callbacks, data=VALID):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/signup/", data)
    assert response.status_code == 302
    # The provisioning task, then (for a new account) the verification email it schedules.
    assert callbacks
    return response, StudioSignup.objects.get(slug=data["slug"])


def test_signup_is_provisioned_after_commit_not_in_the_request(
    platform_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        platform_client.post("/signup/", VALID)

    assert len(callbacks) == 1  # the provisioning task, sent once the sign-up is committed
    assert StudioSignup.objects.get().status == SignupStatus.PENDING
    assert not Tenant.objects.filter(slug="harbour").exists()


def test_valid_signup_provisions_the_studio(platform_client, django_capture_on_commit_callbacks):
    before = row_counts()

    response, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)

    assert response["Location"] == f"/signup/{signup.token}/"
    tenant = Tenant.objects.get(slug="harbour")
    assert (tenant.schema_name, tenant.name, tenant.timezone, tenant.currency) == (
        "harbour",
        "Harbour Pilates",
        "Europe/Dublin",
        "EUR",
    )
    assert tenant.status == TenantStatus.TRIALING
    assert tenant.plan == Plan.objects.get(code="starter")
    domain = Domain.objects.get(tenant=tenant)
    assert (domain.domain, domain.is_primary) == ("harbour.localhost", True)
    assert schema_exists("harbour")
    owner = User.objects.get(email="jane@harbour.test")
    assert owner.full_name == "Jane Harbour"
    assert owner.check_password(PASSWORD)
    assert list(Membership.objects.filter(tenant=tenant).values_list("user", "role")) == [
        (owner.pk, Role.OWNER)
    ]
    assert (signup.status, signup.tenant, signup.owner, signup.error_message) == (
        SignupStatus.DONE,
        tenant,
        owner,
        "",
    )
    assert signup.owner_password_hash == ""  # not kept once used
    assert row_counts() == {
        "signups": before["signups"] + 1,
        "tenants": before["tenants"] + 1,
        "domains": before["domains"] + 1,
        "users": before["users"] + 1,
        "memberships": before["memberships"] + 1,
    }


def test_new_owner_gets_one_verification_email(
    platform_client, django_capture_on_commit_callbacks, mailoutbox
):
    _sign_up(platform_client, django_capture_on_commit_callbacks)

    assert [message.to for message in mailoutbox] == [["jane@harbour.test"]]
    assert "http://harbour.localhost:8000/accounts/" in mailoutbox[0].body


def test_status_hands_off_to_the_owner_app_signed_in(
    platform_client, django_capture_on_commit_callbacks
):
    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)

    status = platform_client.get(f"/signup/{signup.token}/status/")

    assert status.status_code == 200
    body = status.json()
    assert (body["status"], body["message"], body["retry_url"]) == ("done", "", None)
    url = urlsplit(body["redirect_url"])
    assert (url.scheme, url.netloc, url.path) == (
        "http",
        "harbour.localhost:8000",
        "/accounts/handoff/",
    )
    studio_browser = Client(HTTP_HOST="harbour.localhost")
    landed = studio_browser.get(f"{url.path}?{url.query}")
    assert landed.status_code == 302
    assert landed["Location"] == "/app/"
    assert studio_browser.session["_auth_user_id"] == str(signup.owner_id)


def test_htmx_poll_redirects_once_ready(platform_client, django_capture_on_commit_callbacks):
    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)

    poll = platform_client.get(f"/signup/{signup.token}/status/", HTTP_HX_REQUEST="true")

    assert poll.status_code == 200
    assert poll["HX-Redirect"].startswith("http://harbour.localhost:8000/accounts/handoff/?token=")
    assert 'data-status="done"' in poll.content.decode()
    assert 'hx-trigger="every 1s"' not in poll.content.decode()  # polling stops


def test_progress_page_polls_while_pending(platform_client):
    platform_client.post("/signup/", VALID)  # the task is not run: on_commit is not executed
    signup = StudioSignup.objects.get()

    page = platform_client.get(f"/signup/{signup.token}/")
    poll = platform_client.get(f"/signup/{signup.token}/status/", HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Setting up Harbour Pilates" in html
    assert "{#" not in html and "{%" not in html
    assert "harbour.localhost" in html
    for step in ("Creating your studio", "Setting up your calendar", "Ready"):
        assert step in html
    assert f'hx-get="/signup/{signup.token}/status/" hx-trigger="every 1s"' in html
    assert "HX-Redirect" not in poll
    assert platform_client.get(f"/signup/{signup.token}/status/").json() == {
        "status": "pending",
        "message": "",
        "redirect_url": None,
        "retry_url": None,
    }


def test_another_browser_gets_the_login_page_not_a_sign_in(
    platform_client, django_capture_on_commit_callbacks
):
    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)
    stranger = Client(HTTP_HOST="localhost")

    body = stranger.get(f"/signup/{signup.token}/status/").json()
    poll = stranger.get(f"/signup/{signup.token}/status/", HTTP_HX_REQUEST="true")
    onward = stranger.get(f"/signup/{signup.token}/continue/")

    assert body["redirect_url"] == "http://harbour.localhost:8000/accounts/login/?next=/app/"
    assert "HX-Redirect" not in poll
    assert onward["Location"] == "http://harbour.localhost:8000/accounts/login/?next=/app/"


def test_continue_link_signs_in_without_javascript(
    platform_client, django_capture_on_commit_callbacks
):
    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)

    page = platform_client.get(f"/signup/{signup.token}/").content.decode()
    onward = platform_client.get(f"/signup/{signup.token}/continue/")

    assert f'href="/signup/{signup.token}/continue/"' in page
    # With JavaScript, the ready page fetches the sign-in link by itself, once.
    assert 'hx-trigger="load delay:700ms" hx-swap="none"' in page
    assert onward.status_code == 302
    assert onward["Location"].startswith("http://harbour.localhost:8000/accounts/handoff/?token=")


@pytest.mark.parametrize(("suffix", "expected"), [("", 200), ("status/", 200), ("continue/", 302)])
def test_progress_needs_the_right_token(platform_client, suffix, expected):
    platform_client.post("/signup/", VALID)
    token = StudioSignup.objects.get().token

    assert platform_client.get(f"/signup/{token}/{suffix}").status_code == expected
    assert platform_client.get(f"/signup/{token}x/{suffix}").status_code == 404
    assert platform_client.get(f"/signup/{token.upper()}/{suffix}").status_code == 404
    assert platform_client.get(f"/signup/not-a-token/{suffix}").status_code == 404


def test_signed_in_person_adds_a_studio_to_their_account(
    platform_client, alpha_owner, django_capture_on_commit_callbacks, mailoutbox
):
    platform_client.force_login(alpha_owner)
    users_before = User.objects.count()
    data = {key: VALID[key] for key in ("studio_name", "slug", "timezone", "currency")}

    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks, data)

    tenant = Tenant.objects.get(slug="harbour")
    assert signup.status == SignupStatus.DONE
    assert Membership.objects.get(tenant=tenant).user == alpha_owner
    assert set(alpha_owner.memberships.values_list("tenant__slug", "role")) == {
        ("alpha", Role.OWNER),
        ("harbour", Role.OWNER),
    }
    assert User.objects.count() == users_before
    assert mailoutbox == []
    body = platform_client.get(f"/signup/{signup.token}/status/").json()
    assert body["redirect_url"].startswith("http://harbour.localhost:8000/accounts/handoff/")


def test_chosen_plan_is_used(platform_client, django_capture_on_commit_callbacks):
    _sign_up(platform_client, django_capture_on_commit_callbacks, {**VALID, "plan_code": "pro"})

    assert Tenant.objects.get(slug="harbour").plan.code == "pro"


def test_provisioning_failure_rolls_everything_back(
    platform_client, django_capture_on_commit_callbacks, monkeypatch, mailoutbox
):
    def explode(tenant, owner):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tenants.provisioning._add_owner", explode)
    before = row_counts()

    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)

    assert (signup.status, signup.error_message) == (SignupStatus.FAILED, FAILED_UNEXPECTEDLY)
    assert signup.tenant is None
    assert signup.owner_password_hash == ""
    assert row_counts() == {**before, "signups": before["signups"] + 1}
    assert not Tenant.objects.filter(slug="harbour").exists()
    assert not Domain.objects.filter(domain="harbour.localhost").exists()
    assert not User.objects.filter(email="jane@harbour.test").exists()
    assert not schema_exists("harbour")
    assert mailoutbox == []


def test_failure_is_shown_with_a_way_back_to_the_form(
    platform_client, django_capture_on_commit_callbacks, monkeypatch
):
    def explode(tenant, owner):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tenants.provisioning._add_owner", explode)
    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)

    page = platform_client.get(f"/signup/{signup.token}/").content.decode()
    body = platform_client.get(f"/signup/{signup.token}/status/").json()
    form = platform_client.get(f"/signup/?retry={signup.token}").content.decode()

    assert FAILED_UNEXPECTEDLY in page
    assert "hx-trigger" not in page
    assert f'href="/signup/?retry={signup.token}"' in page
    assert body == {
        "status": "failed",
        "message": FAILED_UNEXPECTEDLY,
        "redirect_url": None,
        "retry_url": f"/signup/?retry={signup.token}",
    }
    assert field_block(form, "studio_name").values["studio_name"] == "Harbour Pilates"
    assert field_block(form, "slug").values["slug"] == "harbour"
    assert field_block(form, "email").values["email"] == "jane@harbour.test"
    assert field_block(form, "full_name").values["full_name"] == "Jane Harbour"
    assert field_block(form, "password").values["password"] is None
    assert '<option value="Europe/Dublin" selected>' in form
    assert '<option value="EUR" selected>' in form


def test_slug_taken_while_waiting_says_so(
    platform_client, beta_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        platform_client.post("/signup/", VALID)
    tenant_provision(details=StudioDetails(slug="harbour", name="Quick"), owner=beta_owner)
    users_before = User.objects.count()

    callbacks[0]()

    signup = StudioSignup.objects.get()
    assert signup.status == SignupStatus.FAILED
    assert signup.error_message == (
        "We could not create your studio: the subdomain harbour.localhost was just taken by "
        "someone else. Nothing was saved; please choose another subdomain."
    )
    assert User.objects.count() == users_before
    assert Tenant.objects.get(slug="harbour").name == "Quick"


def test_email_registered_while_waiting_is_not_taken_over(
    platform_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        platform_client.post("/signup/", VALID)
    User.objects.create_user("jane@harbour.test", "another-secret-9", full_name="Real Jane")

    callbacks[0]()

    signup = StudioSignup.objects.get()
    assert signup.status == SignupStatus.FAILED
    assert signup.error_message == (
        "We could not create your studio: an account with jane@harbour.test was created in the "
        "meantime. Nothing was saved; please log in and add your studio from there."
    )
    assert not Tenant.objects.filter(slug="harbour").exists()
    assert not schema_exists("harbour")


def test_provisioning_runs_once(platform_client, django_capture_on_commit_callbacks):
    _, signup = _sign_up(platform_client, django_capture_on_commit_callbacks)
    before = row_counts()

    again = signup_provision(signup_id=signup.pk)

    assert again.status == SignupStatus.DONE
    assert row_counts() == before
