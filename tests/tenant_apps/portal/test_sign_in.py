"""Passwordless sign-in: the email form, the single-use 15-minute link, rate limits, the
portal session, and booking links from emails."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.portal import throttling
from tenant_apps.portal.errors import InvalidSignInLinkError
from tenant_apps.portal.links import booking_link_path, sign_in_link_path
from tenant_apps.portal.models import SignInLink
from tenant_apps.portal.services import portal_sign_in_redeem, portal_sign_in_request
from tenant_apps.portal.session import SESSION_KEY
from tenants.models import Tenant
from tests.tenant_apps.portal.support import Studio, at, book, day_ahead, studio_create

LINK = re.compile(r"http://alpha\.localhost(?::\d+)?(/portal/signin/[^/\s]+/)")


def ask(client: TenantClient, email: str, capture) -> object:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post("/portal/", {"email": email})


def emailed_path() -> str:
    (message,) = mail.outbox
    match = LINK.search(str(message.body))
    assert match, message.body
    return match.group(1)


def test_known_and_unknown_addresses_get_the_same_answer(
    studio: Studio, client: TenantClient, django_capture_on_commit_callbacks
) -> None:
    # when a customer's address and an unknown one ask for a link
    known = ask(client, "PAT@example.test", django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody@example.test", django_capture_on_commit_callbacks)
    # then both are sent to the same page, which reads the same apart from the address
    assert (known.status_code, known["Location"]) == (302, "/portal/sent/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/portal/sent/")
    page = client.get("/portal/sent/").content.decode()
    assert "If <strong>nobody@example.test</strong> is the address of a customer" in page
    # and only the customer got an email, with one link row
    assert [m.to for m in mail.outbox] == [["pat@example.test"]]
    assert mail.outbox[0].subject == "Your sign-in link for Alpha Pilates"
    assert SignInLink.objects.filter(customer=studio.pat).count() == 1
    assert SignInLink.objects.count() == 1


def test_email_is_html_and_text_with_the_studio_name(
    studio: Studio, client: TenantClient, django_capture_on_commit_callbacks
) -> None:
    ask(client, "pat@example.test", django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    path = emailed_path()
    assert path in html
    assert "Alpha Pilates" in message.body
    assert "works once and for 15 minutes" in message.body


def test_link_signs_in_once(
    studio: Studio, client: TenantClient, django_capture_on_commit_callbacks
) -> None:
    ask(client, "pat@example.test", django_capture_on_commit_callbacks)
    path = emailed_path()
    # the GET only shows a button (mail scanners must not use the link up)
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert SignInLink.objects.get().used_at is None
    before = client.session.session_key
    # when the customer presses it
    response = client.post(path)
    # then they are signed in under a new session key
    assert (response.status_code, response["Location"]) == (302, "/portal/bookings/")
    assert client.session[SESSION_KEY] == {"schema": "alpha", "id": studio.pat.pk}
    assert client.session.session_key != before
    assert client.get("/portal/bookings/").status_code == 200
    # and a second use of the link fails, in another browser too
    other = TenantClient(Tenant.objects.get(slug="alpha"))
    assert other.post(path).status_code == 400
    assert other.get(path).status_code == 400
    assert SESSION_KEY not in other.session


def test_link_expires_after_15_minutes(studio: Studio) -> None:
    # given a link asked for now
    now = timezone.now()
    portal_sign_in_request(email="pat@example.test", address="10.0.0.1", now=now)
    link = SignInLink.objects.get()
    assert link.expires_at == now + timedelta(minutes=15)
    token = sign_in_link_path(link.nonce).split("/")[3]
    # then it is refused at 15 minutes (by the row) ...
    with pytest.raises(InvalidSignInLinkError):
        portal_sign_in_redeem(token=token, now=now + timedelta(minutes=15))
    # ... and by the signature's own age check once the clock has moved on
    later = time.time() + 15 * 60 + 1
    with (
        mock.patch("django.core.signing.time.time", return_value=later),
        pytest.raises(InvalidSignInLinkError),
    ):
        portal_sign_in_redeem(token=token, now=now)
    assert SignInLink.objects.get().used_at is None
    # while a minute before expiry it works
    assert portal_sign_in_redeem(token=token, now=now + timedelta(minutes=14)) == studio.pat


def test_expired_link_page_offers_a_new_link(studio: Studio, client: TenantClient) -> None:
    portal_sign_in_request(email="pat@example.test", address="10.0.0.1", now=timezone.now())
    link = SignInLink.objects.get()
    SignInLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    path = sign_in_link_path(link.nonce)
    response = client.post(path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This link no longer works" in page
    assert 'action="/portal/"' in page
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("_case", "token"),
    [
        ("garbage", "not-a-token"),
        ("forged", "eyJuIjoieCJ9:1tAAAA:forgedsignatureforgedsignatureforged00"),
    ],
)
def test_forged_links_fail(studio: Studio, client: TenantClient, _case: str, token: str) -> None:
    assert client.post(f"/portal/signin/{token}/").status_code == 400
    assert client.get(f"/portal/signin/{token}/").status_code == 400
    assert SESSION_KEY not in client.session


def test_beta_link_does_not_work_on_alpha(
    studio: Studio, client: TenantClient, beta: Tenant
) -> None:
    # given a link for a beta customer with the same address
    connection.set_tenant(beta)
    from tests.factories.catalog import CustomerFactory

    CustomerFactory(email="pat@example.test")
    portal_sign_in_request(email="pat@example.test", address="10.0.0.1", now=timezone.now())
    beta_path = sign_in_link_path(SignInLink.objects.get().nonce)
    connection.set_tenant(Tenant.objects.get(slug="alpha"))
    # then alpha's host doesn't know it (the nonce lives in beta's schema)
    assert client.post(beta_path).status_code == 400
    assert SESSION_KEY not in client.session
    assert SignInLink.objects.count() == 0


def test_rate_limit_per_email(
    studio: Studio, client: TenantClient, django_capture_on_commit_callbacks
) -> None:
    for _ in range(throttling.PER_EMAIL):
        assert (
            ask(client, "pat@example.test", django_capture_on_commit_callbacks).status_code == 302
        )
    # when one more is asked for
    response = ask(client, "Pat@Example.test", django_capture_on_commit_callbacks)
    # then the page says so and nothing more is sent
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "asked for several sign-in links" in response.content.decode()
    assert len(mail.outbox) == throttling.PER_EMAIL
    assert SignInLink.objects.count() == throttling.PER_EMAIL
    # an unknown address is limited the same way (the limit reveals nothing either)
    for _ in range(throttling.PER_EMAIL):
        ask(client, "nobody@example.test", django_capture_on_commit_callbacks)
    assert ask(client, "nobody@example.test", django_capture_on_commit_callbacks).status_code == 429


def test_rate_limit_per_client_address(
    studio: Studio, client: TenantClient, django_capture_on_commit_callbacks
) -> None:
    for n in range(throttling.PER_ADDRESS):
        assert (
            ask(client, f"x{n}@example.test", django_capture_on_commit_callbacks).status_code == 302
        )
    response = ask(client, "pat@example.test", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert mail.outbox == []
    # another address is not affected
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post("/portal/", {"email": "pat@example.test"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302
    assert len(mail.outbox) == 1


def test_invalid_email_is_a_form_error(studio: Studio, client: TenantClient) -> None:
    response = client.post("/portal/", {"email": "not an email"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert SignInLink.objects.count() == 0


def test_sign_out_clears_the_portal_session(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    client.get(booking_link_path(appointment))
    response = client.post("/portal/signout/")
    assert (response.status_code, response["Location"]) == (302, "/portal/")
    assert SESSION_KEY not in client.session
    assert client.get("/portal/bookings/")["Location"] == "/portal/"


def test_booking_link_signs_in_and_opens_the_booking(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    response = client.get(booking_link_path(appointment))
    assert response["Location"] == f"/portal/bookings/{appointment.reference}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert appointment.reference in page.content.decode()


def test_invalid_booking_link_offers_email_sign_in(studio: Studio, client: TenantClient) -> None:
    response = client.get("/portal/open/forged-token/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The link to your booking is not valid any more" in page
    assert 'name="email"' in page
    assert SESSION_KEY not in client.session


def test_beta_booking_link_fails_on_alpha(
    studio: Studio, client: TenantClient, beta: Tenant
) -> None:
    # given a booking in beta and its emailed link
    connection.set_tenant(beta)
    beta_booking = book(studio_create(), at(day_ahead(3), 10))
    path = booking_link_path(beta_booking)
    connection.set_tenant(Tenant.objects.get(slug="alpha"))
    # then alpha's host doesn't open it: the reference is not one of alpha's bookings
    response = client.get(path)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_pages_need_a_signed_in_customer(studio: Studio, client: TenantClient) -> None:
    for path in ("/portal/bookings/", "/portal/profile/", "/portal/profile/export/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/portal/")
