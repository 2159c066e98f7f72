from __future__ import annotations

import re

from django.core import mail
from django.test import override_settings

from shared_apps.accounts.models import User
from tests.shared_apps.accounts.conftest import login

NEW_PASSWORD = "a-brand-new-Passphrase-42"


def _reset_link(message) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"http://[^\s]+/accounts/password/reset/[^\s]+/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def test_reset_email_is_sent_with_a_link_on_the_same_host(web, alpha_owner):
    response = web.post(
        "/accounts/password/reset/", {"email": "owner@alpha.test"}, HTTP_HOST="alpha.localhost"
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@alpha.test"]
    assert message.subject == "Reset your StudioBook password"
    assert _reset_link(message).startswith("http://alpha.localhost/accounts/password/reset/")
    assert message.alternatives  # an HTML version too


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(web, alpha):
    response = web.post(
        "/accounts/password/reset/", {"email": "nobody@alpha.test"}, HTTP_HOST="alpha.localhost"
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_reset_link_sets_the_new_password(web, alpha_owner):
    web.post("/accounts/password/reset/", {"email": "owner@alpha.test"}, HTTP_HOST="localhost")
    link = _reset_link(mail.outbox[0]).removeprefix("http://localhost")

    form_page = web.get(link, HTTP_HOST="localhost", follow=True)
    assert b"Choose a new password" in form_page.content
    set_password_path = form_page.redirect_chain[-1][0]
    done = web.post(
        set_password_path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST="localhost",
    )

    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/done/"
    alpha_owner.refresh_from_db()
    assert alpha_owner.check_password(NEW_PASSWORD)
    assert login(web, "alpha.localhost", "owner@alpha.test", NEW_PASSWORD).status_code == 302
    # The link works once.
    again = web.get(link, HTTP_HOST="localhost", follow=True)
    assert b"This link has expired" in again.content


def test_reset_rejects_a_weak_password_beside_the_field(web, alpha_owner):
    web.post("/accounts/password/reset/", {"email": "owner@alpha.test"}, HTTP_HOST="localhost")
    link = _reset_link(mail.outbox[0]).removeprefix("http://localhost")
    form_page = web.get(link, HTTP_HOST="localhost", follow=True)

    response = web.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "12345678", "new_password2": "12345678"},
        HTTP_HOST="localhost",
    )

    assert response.status_code == 200
    assert b'id="id_new_password2_error"' in response.content
    assert b"This password is entirely numeric." in response.content
    assert not User.objects.get(pk=alpha_owner.pk).check_password("12345678")


def test_tampered_reset_link_is_refused(web, alpha_owner):
    web.post("/accounts/password/reset/", {"email": "owner@alpha.test"}, HTTP_HOST="localhost")
    link = _reset_link(mail.outbox[0]).removeprefix("http://localhost")

    response = web.get(link[:-3] + "xx/", HTTP_HOST="localhost", follow=True)

    assert response.status_code == 200
    assert b"This link has expired" in response.content


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=2)
def test_a_password_reset_lifts_the_login_throttle(web, alpha_owner):
    login(web, "localhost", "owner@alpha.test", "wrong")
    login(web, "localhost", "owner@alpha.test", "wrong")
    assert login(web, "localhost", "owner@alpha.test", NEW_PASSWORD).status_code == 429

    web.post("/accounts/password/reset/", {"email": "owner@alpha.test"}, HTTP_HOST="localhost")
    link = _reset_link(mail.outbox[0]).removeprefix("http://localhost")
    form_page = web.get(link, HTTP_HOST="localhost", follow=True)
    web.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST="localhost",
    )

    assert login(web, "localhost", "owner@alpha.test", NEW_PASSWORD).status_code == 302
