"""The team screen under /app/team/ and the invitation page at /invite/<token>/.

Owners and managers manage the team (tenant_apps.studio.team decides who may change whom);
the invitation page is open to anyone holding the link, signed in or not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.models import User
from shared_apps.core.errors import DomainError, NotFoundError
from tenant_apps.studio import team
from tenant_apps.studio.team_forms import InviteForm, JoinSignupForm, RoleForm
from tenants.access import MANAGING_ROLES, studio_member_required
from tenants.models import Membership, Tenant

managers_only = studio_member_required(roles=MANAGING_ROLES)


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _acting(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def _team_page(
    request: HttpRequest, invite_form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    tenant, acting = _tenant(request), _acting(request)
    roles = team.assignable_roles(acting=acting)
    members = team.team_member_list(tenant=tenant)
    owner_count = sum(1 for m in members if m.role == "owner")
    rows = [
        {
            "membership": m,
            "is_me": m.pk == acting.pk,
            "can_manage": team.may_manage_member(acting=acting, member=m)
            and not (m.role == "owner" and owner_count == 1),
            "roles": roles,
        }
        for m in members
    ]
    now = timezone.now()
    invitations = [
        {
            "invitation": i,
            "expired": i.expires_at <= now,
            "can_manage": i.role != "owner" or acting.role == "owner",
        }
        for i in team.invitation_open_list(tenant=tenant)
    ]
    return render(
        request,
        "studio/team.html",
        {
            "rows": rows,
            "invitations": invitations,
            "invite_form": invite_form or InviteForm(roles=roles),
            "acting": acting,
            "only_owner": acting.role == "owner" and owner_count == 1,
        },
        status=status,
    )


@managers_only
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    return _team_page(request)


@managers_only
@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    form = InviteForm(request.POST, roles=team.assignable_roles(acting=acting))
    if form.is_valid():
        try:
            invitation, _ = team.invitation_create(
                tenant=_tenant(request),
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                acting=acting,
                now=timezone.now(),
            )
        except DomainError as exc:
            for field, problems in exc.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not exc.errors:
                form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("studio:team")
    return _team_page(request, form, status=422)


def _member(request: HttpRequest, membership_id: int) -> Membership:
    try:
        return team.access_membership_by_id(tenant=_tenant(request), membership_id=membership_id)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


@managers_only
@require_POST
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = _member(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role from the list.")
        return redirect("studio:team")
    try:
        changed = team.membership_role_change(
            tenant=_tenant(request),
            membership=member,
            role=form.cleaned_data["role"],
            acting=_acting(request),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("studio:team")
    messages.success(
        request, f"{member.user.get_full_name()} is now {changed.get_role_display().lower()}."
    )
    return redirect("studio:team")


@studio_member_required()
@require_POST
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Managers remove others; any member may leave (remove themselves)."""
    acting = _acting(request)
    if acting.role not in MANAGING_ROLES and membership_id != acting.pk:
        raise Http404("No such page")
    member = _member(request, membership_id)
    try:
        team.membership_remove(tenant=_tenant(request), membership=member, acting=acting)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("studio:team" if acting.role in MANAGING_ROLES else "studio:dashboard")
    if member.pk == acting.pk:
        messages.success(request, f"You left {_tenant(request).name}.")
        return redirect("accounts:studios")
    messages.success(request, f"{member.user.get_full_name()} was removed from the team.")
    return redirect("studio:team")


def _invitation(request: HttpRequest, invitation_id: int) -> Any:
    try:
        return team.access_invitation_by_id(tenant=_tenant(request), invitation_id=invitation_id)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


@managers_only
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, invitation_id)
    try:
        team.invitation_resend(
            tenant=_tenant(request),
            invitation=invitation,
            acting=_acting(request),
            now=timezone.now(),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Invitation sent to {invitation.email} again, with a new link.")
    return redirect("studio:team")


@managers_only
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, invitation_id)
    try:
        team.invitation_revoke(
            tenant=_tenant(request),
            invitation=invitation,
            acting=_acting(request),
            now=timezone.now(),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("studio:team")


# --- the invitation link -----------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the path: keep it out of Referer headers sent to other sites.
    # ("no-referrer" would make browsers send "Origin: null" with the form, failing CSRF.)
    response["Referrer-Policy"] = "same-origin"
    return response


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    tenant = _tenant(request)
    now = timezone.now()
    try:
        found = team.invitation_get_by_token(tenant=tenant, token=token, now=now)
    except team.InvitationUnusableError as exc:
        return _private(
            render(
                request,
                "studio/team_invite_invalid.html",
                {"state": exc.state.value, "reason": exc.detail},
                status=exc.status,
            )
        )
    invitation = found.invitation
    user = request.user if isinstance(request.user, User) else None
    context: dict[str, Any] = {
        "invitation": invitation,
        "existing_user": found.existing_user,
        "signed_in_user": user,
        "login_url": f"/accounts/login/?next={request.path}",
    }
    form = JoinSignupForm(request.POST if request.method == "POST" and user is None else None)
    context["form"] = form
    status = 200
    if request.method == "POST":
        try:
            if user is not None:
                team.invitation_accept(tenant=tenant, token=token, user=user, now=now)
            elif found.existing_user is None and form.is_valid():
                user = team.invitation_accept_signup(
                    tenant=tenant,
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                    now=now,
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                status = 422
        except team.InvitationUnusableError as exc:
            return _private(
                render(
                    request,
                    "studio/team_invite_invalid.html",
                    {"state": exc.state.value, "reason": exc.detail},
                    status=exc.status,
                )
            )
        except DomainError as exc:
            if user is not None or not form.is_bound:
                context["error"] = exc.detail
            else:
                for field, problems in exc.errors.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not exc.errors:
                    form.add_error(None, exc.detail)
            status = exc.status if exc.status != 400 else 422
        else:
            if status == 200:
                messages.success(request, f"Welcome to {tenant.name}!")
                return redirect("studio:dashboard")
    return _private(render(request, "studio/team_invite_accept.html", context, status=status))
