"""Leaving a support session from inside the studio (studio host)."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from shared_apps.console.access import client_ip
from shared_apps.console.models import ImpersonationEndReason, ImpersonationSession
from shared_apps.console.services import impersonation_end
from tenants.urls import platform_url

SESSION_KEY = "impersonation_id"


def console_return_url(session: ImpersonationSession | None, outcome: str) -> str:
    """Where the operator's browser goes after a support session: the studio's console page,
    which explains why (`outcome` is an ImpersonationEndReason value)."""
    if session is None:
        return platform_url("/console/")
    return platform_url(f"/console/studios/{session.tenant.slug}/?impersonation={outcome}")


@require_POST
def impersonation_end_here_view(request: HttpRequest) -> HttpResponse:
    session: ImpersonationSession | None = getattr(request, "impersonation", None)
    if session is None:
        raise Http404("No support session is running")
    impersonation_end(
        session=session, end_reason=ImpersonationEndReason.ENDED, ip=client_ip(request)
    )
    logout(request)
    return HttpResponseRedirect(console_return_url(session, ImpersonationEndReason.ENDED))
