from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.services import email_verification_send
from shared_apps.accounts.verification import verification_token_make


def _link(message) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"http://[^\s]+/accounts/verify-email/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def test_send_emails_a_link_on_the_platform_host_after_commit(
    alpha_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_verification_send(user=alpha_owner)
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@alpha.test"]
    assert message.subject == "Confirm your email address for StudioBook"
    assert _link(message).startswith("http://localhost:8000/accounts/verify-email/")


def test_send_inside_a_rolled_back_transaction_sends_nothing(
    alpha_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                email_verification_send(user=alpha_owner)
                raise RuntimeError("sign-up failed")
        except RuntimeError:
            pass

    assert mail.outbox == []


def test_send_to_a_verified_address_sends_nothing(alpha_owner, django_capture_on_commit_callbacks):
    alpha_owner.email_verified_at = timezone.now()
    alpha_owner.save(update_fields=["email_verified_at"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_verification_send(user=alpha_owner)

    assert callbacks == []
    assert mail.outbox == []


def test_the_link_verifies_the_address(web, alpha_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_verification_send(user=alpha_owner)
    path = _link(mail.outbox[0]).removeprefix("http://localhost:8000")

    response = web.get(path, HTTP_HOST="localhost")

    assert response.status_code == 200
    assert b"Thanks, your email is verified" in response.content
    alpha_owner.refresh_from_db()
    assert alpha_owner.email_verified_at is not None


@pytest.mark.parametrize("damage", ["flip-last", "truncate", "garbage"])
def test_a_tampered_link_verifies_nothing(web, alpha_owner, damage):
    token = verification_token_make(user=alpha_owner)
    bad = {
        "flip-last": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncate": token[: len(token) // 2],
        "garbage": "not-a-token",
    }[damage]

    response = web.get(f"/accounts/verify-email/{bad}/", HTTP_HOST="localhost")

    assert response.status_code == 400
    assert b"This verification link does not work" in response.content
    alpha_owner.refresh_from_db()
    assert alpha_owner.email_verified_at is None


def test_a_link_for_a_previous_address_verifies_nothing(web, alpha_owner):
    token = verification_token_make(user=alpha_owner)
    alpha_owner.email = "new-address@alpha.test"
    alpha_owner.save(update_fields=["email"])

    response = web.get(f"/accounts/verify-email/{token}/", HTTP_HOST="localhost")

    assert response.status_code == 400
    alpha_owner.refresh_from_db()
    assert alpha_owner.email_verified_at is None


def test_resend_button_sends_a_link_to_the_studio_host(
    web, alpha_owner, django_capture_on_commit_callbacks
):
    web.force_login(alpha_owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            "/accounts/verify-email/", {"next": "/app/settings/"}, HTTP_HOST="alpha.localhost"
        )

    assert response.status_code == 302
    assert response["Location"] == "/app/settings/"
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    assert link.startswith("http://alpha.localhost:8000/accounts/verify-email/")
    page = web.get(link.removeprefix("http://alpha.localhost:8000"), HTTP_HOST="alpha.localhost")
    assert page.status_code == 200
    assert b'href="/app/"' in page.content  # signed in: "Continue" goes back to the app


def test_resend_twice_within_a_minute_sends_one_email(
    web, alpha_owner, django_capture_on_commit_callbacks
):
    web.force_login(alpha_owner)

    with django_capture_on_commit_callbacks(execute=True):
        web.post("/accounts/verify-email/", HTTP_HOST="alpha.localhost")
        second = web.post("/accounts/verify-email/", HTTP_HOST="alpha.localhost", follow=True)

    assert len(mail.outbox) == 1
    assert b"Please wait a minute before asking for another." in second.content


def test_resend_needs_a_login_and_a_post(web, alpha_owner):
    anonymous = web.post("/accounts/verify-email/", HTTP_HOST="alpha.localhost")
    web.force_login(alpha_owner)
    by_get = web.get("/accounts/verify-email/", HTTP_HOST="alpha.localhost")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert by_get.status_code == 405
    assert mail.outbox == []
