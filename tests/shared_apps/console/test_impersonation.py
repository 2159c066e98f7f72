"""Audited, time-limited sign-in as a studio's owner, and its end."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from shared_apps.console.models import ImpersonationSession, PlatformAuditLog
from tenants.models import Membership, Role, TenantStatus


def _start(operator_client, extra=None, **data):
    payload = {"reason": "Ticket #123: calendar looks empty", "minutes": 30, **data}
    return operator_client.post("/console/studios/alpha/impersonate/", payload, **(extra or {}))


def _enter_studio(studio_browser, handoff_location):
    """Follow the hand-off link in the studio host's own browser profile."""
    url = urlsplit(handoff_location)
    assert url.netloc == "alpha.localhost:8000"
    return studio_browser.get(f"{url.path}?{url.query}")


def test_start_writes_one_session_and_one_audit_row(operator_client, operator, alpha, alpha_owner):
    before = timezone.now()

    response = _start(operator_client, extra={"REMOTE_ADDR": "198.51.100.7"}, minutes=20)

    assert response.status_code == 302
    assert response["Location"].startswith("http://alpha.localhost:8000/accounts/handoff/?token=")
    session = ImpersonationSession.objects.get()
    assert session.operator == operator
    assert session.tenant == alpha
    assert session.target_user == alpha_owner
    assert session.reason == "Ticket #123: calendar looks empty"
    assert before <= session.started_at <= timezone.now()
    assert session.expires_at == session.started_at + timedelta(minutes=20)
    assert session.ended_at is None
    entry = PlatformAuditLog.objects.get()
    assert entry.action == "impersonation.start"
    assert entry.actor == operator
    assert entry.tenant == alpha
    assert entry.target_user == alpha_owner
    assert entry.reason == "Ticket #123: calendar looks empty"
    assert entry.metadata == {
        "session_id": session.pk,
        "minutes": 20,
        "expires_at": session.expires_at.isoformat(),
    }
    assert entry.ip == "198.51.100.7"


def test_handoff_signs_in_as_the_owner_on_the_studio_host(
    operator_client, studio_browser, alpha, alpha_owner
):
    start = _start(operator_client)

    landing = _enter_studio(studio_browser, start["Location"])

    assert landing.status_code == 302
    assert landing["Location"] == "/app/"
    session = ImpersonationSession.objects.get()
    assert studio_browser.session[SESSION_KEY] == str(alpha_owner.pk)
    assert studio_browser.session["impersonation_id"] == session.pk
    page = studio_browser.get("/app/")
    assert page.wsgi_request.user == alpha_owner
    assert page.wsgi_request.impersonation == session


def test_support_session_cannot_open_the_owners_other_studios(
    operator_client, studio_browser, alpha, beta, alpha_owner
):
    Membership.objects.create(user=alpha_owner, tenant=beta, role=Role.OWNER)
    _enter_studio(studio_browser, _start(operator_client)["Location"])

    response = studio_browser.get("/accounts/studios/beta/open/")

    assert response.status_code == 404


def test_expired_session_is_ended_and_signed_out_on_next_request(
    operator_client, operator, studio_browser, alpha, alpha_owner
):
    _enter_studio(studio_browser, _start(operator_client)["Location"])
    session = ImpersonationSession.objects.get()
    ImpersonationSession.objects.filter(pk=session.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = studio_browser.get("/app/")

    assert response.status_code == 302
    assert response["Location"] == (
        "http://localhost:8000/console/studios/alpha/?impersonation=expired"
    )
    assert SESSION_KEY not in studio_browser.session
    assert "impersonation_id" not in studio_browser.session
    session.refresh_from_db()
    assert session.ended_at is not None
    assert session.end_reason == "expired"
    end = PlatformAuditLog.objects.get(action="impersonation.end")
    assert end.reason == "expired"
    assert end.actor == operator
    assert end.tenant == alpha
    assert end.target_user == alpha_owner
    assert end.metadata["ended_by"] == "system"
    # A second request does not end (or audit) it again.
    studio_browser.get("/app/")
    assert PlatformAuditLog.objects.filter(action="impersonation.end").count() == 1


def test_console_explains_why_the_session_ended(operator_client, alpha):
    content = operator_client.get(
        "/console/studios/alpha/", {"impersonation": "expired"}
    ).content.decode()

    assert "Your support session expired and you were signed out of the studio." in content


def test_expired_session_on_the_api_answers_401_problem(operator_client, studio_browser, alpha):
    _enter_studio(studio_browser, _start(operator_client)["Location"])
    ImpersonationSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = studio_browser.get("/api/v1/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "impersonation_ended"


def test_end_now_on_the_studio_host(operator_client, studio_browser, alpha):
    _enter_studio(studio_browser, _start(operator_client)["Location"])

    response = studio_browser.post("/console-session/end/")

    assert response.status_code == 302
    assert response["Location"] == (
        "http://localhost:8000/console/studios/alpha/?impersonation=ended"
    )
    assert SESSION_KEY not in studio_browser.session
    session = ImpersonationSession.objects.get()
    assert session.end_reason == "ended"
    end = PlatformAuditLog.objects.get(action="impersonation.end")
    assert end.metadata["ended_by"] == "operator"


def test_end_now_without_a_support_session_is_404(studio_browser, alpha, alpha_owner):
    studio_browser.force_login(alpha_owner)

    assert studio_browser.post("/console-session/end/").status_code == 404
    assert PlatformAuditLog.objects.count() == 0


def test_ending_from_the_console_signs_the_studio_browser_out(
    operator_client, studio_browser, alpha
):
    _enter_studio(studio_browser, _start(operator_client)["Location"])
    session = ImpersonationSession.objects.get()

    operator_client.post(f"/console/impersonations/{session.pk}/end/")
    response = studio_browser.get("/app/")

    assert response["Location"].endswith("/console/studios/alpha/?impersonation=ended")
    assert SESSION_KEY not in studio_browser.session
    assert PlatformAuditLog.objects.filter(action="impersonation.end").count() == 1


def test_session_for_another_user_is_ended_as_invalid(
    operator_client, studio_browser, alpha, alpha_owner, beta_owner
):
    _enter_studio(studio_browser, _start(operator_client)["Location"])
    session = ImpersonationSession.objects.get()
    ImpersonationSession.objects.filter(pk=session.pk).update(target_user=beta_owner)

    response = studio_browser.get("/app/")

    assert response.status_code == 302
    assert SESSION_KEY not in studio_browser.session
    session.refresh_from_db()
    assert session.end_reason == "invalid"


def test_non_operator_cannot_start(alpha, alpha_owner):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(alpha_owner)

    response = browser.post(
        "/console/studios/alpha/impersonate/", {"reason": "curious", "minutes": 30}
    )

    assert response.status_code == 404
    assert ImpersonationSession.objects.count() == 0
    assert PlatformAuditLog.objects.count() == 0


def test_reason_is_required(operator_client, alpha):
    response = _start(operator_client, reason="")

    assert response.status_code == 200
    assert "Enter a reason; it is kept in the audit log." in response.content.decode()
    assert ImpersonationSession.objects.count() == 0
    assert PlatformAuditLog.objects.count() == 0


@override_settings(IMPERSONATION_MAX_MINUTES=45)
@pytest.mark.parametrize("minutes", ["0", "46", "soon"])
def test_duration_must_be_within_the_limit(operator_client, alpha, minutes):
    response = _start(operator_client, minutes=minutes)

    assert response.status_code == 200
    assert ImpersonationSession.objects.count() == 0
    assert PlatformAuditLog.objects.count() == 0


def test_suspended_studio_cannot_be_entered(operator_client, alpha):
    alpha.status = TenantStatus.SUSPENDED
    alpha.save(update_fields=["status"])

    response = _start(operator_client)

    assert response.status_code == 302
    assert response["Location"] == "/console/studios/alpha/"
    assert ImpersonationSession.objects.count() == 0
    assert PlatformAuditLog.objects.count() == 0


def test_banner_partial_names_the_owner_and_the_end(operator, alpha, alpha_owner):
    session = ImpersonationSession.objects.create(
        operator=operator,
        tenant=alpha,
        target_user=alpha_owner,
        reason="x",
        expires_at=datetime(2026, 7, 1, 13, 45, tzinfo=UTC),
    )
    request = RequestFactory().get("/app/", HTTP_HOST="alpha.localhost")
    request.impersonation = session

    html = render_to_string("console/_impersonation_banner.html", request=request)

    assert "You are impersonating <strong>Alpha Owner</strong> (owner@alpha.test)" in html
    assert ">14:45 BST</time>" in html  # Europe/London, summer time
    assert 'action="/console-session/end/"' in html
    assert "End now" in html


def test_banner_partial_is_empty_without_impersonation(alpha):
    request = RequestFactory().get("/app/", HTTP_HOST="alpha.localhost")
    request.impersonation = None

    assert render_to_string("console/_impersonation_banner.html", request=request).strip() == ""
