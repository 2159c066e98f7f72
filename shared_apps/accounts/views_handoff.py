"""Redeeming a hand-off token on a studio host (see tenants.handoff)."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shared_apps.accounts.models import User
from tenants.access import membership_for
from tenants.handoff import InvalidHandoffError, handoff_redeem


@require_GET
def handoff(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    try:
        redeemed = handoff_redeem(
            token=request.GET.get("token", ""), schema_name=tenant.schema_name
        )
    except InvalidHandoffError as exc:
        return render(request, "accounts/handoff_invalid.html", {"reason": str(exc)}, status=400)
    user = User.objects.filter(pk=redeemed.user_id, is_active=True).first()
    if user is None or membership_for(user, tenant) is None:
        return render(
            request,
            "accounts/handoff_invalid.html",
            {"reason": "This account has no access to this studio."},
            status=400,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if redeemed.impersonation_id is not None:
        request.session["impersonation_id"] = redeemed.impersonation_id
    return HttpResponseRedirect(redeemed.next_path)
