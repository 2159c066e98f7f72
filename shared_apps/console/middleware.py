"""Keeps support sessions honest on studio hosts.

The hand-off view stores `impersonation_id` in the session when an operator enters a studio as its
owner. On every request this middleware checks that the support session is still running and
belongs to this studio and this user; otherwise it ends it (audited), signs the person out and
sends them back to the console. A running session is put on `request.impersonation` (None
otherwise) for the banner (templates/console/_impersonation_banner.html).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from shared_apps.console.access import client_ip
from shared_apps.console.models import ImpersonationEndReason, ImpersonationSession
from shared_apps.console.selectors import impersonation_session_get
from shared_apps.console.services import impersonation_end
from shared_apps.console.views_impersonation import SESSION_KEY, console_return_url
from shared_apps.core.problems import is_api_request, problem_response


class ImpersonationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.impersonation = None  # type: ignore[attr-defined]
        store = getattr(request, "session", None)
        raw_id = store.get(SESSION_KEY) if store is not None else None
        if raw_id is None:
            return self.get_response(request)
        session = self._load(raw_id)
        matches = session is not None and self._matches(request, session)
        if session is not None and matches and session.is_active_at(timezone.now()):
            request.impersonation = session  # type: ignore[attr-defined]
            return self.get_response(request)
        outcome = ImpersonationEndReason.EXPIRED if matches else ImpersonationEndReason.INVALID
        if session is not None:
            if session.ended_at is None:
                session = impersonation_end(
                    session=session, end_reason=outcome, ip=client_ip(request)
                )
            outcome = ImpersonationEndReason(session.end_reason or outcome)
        logout(request)
        return self._signed_out(request, session, outcome)

    @staticmethod
    def _load(raw_id: object) -> ImpersonationSession | None:
        try:
            session_id = int(str(raw_id))
        except ValueError:
            return None
        return impersonation_session_get(session_id=session_id)

    @staticmethod
    def _matches(request: HttpRequest, session: ImpersonationSession) -> bool:
        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        return (
            tenant is not None
            and session.tenant_id == tenant.pk
            and user is not None
            and user.is_authenticated
            and session.target_user_id == user.pk
        )

    @staticmethod
    def _signed_out(
        request: HttpRequest, session: ImpersonationSession | None, outcome: str
    ) -> HttpResponse:
        if is_api_request(request):
            return problem_response(
                status=401,
                code="impersonation_ended",
                title="The support session has ended",
                detail="The support session has ended; you were signed out.",
            )
        target = console_return_url(session, outcome)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
