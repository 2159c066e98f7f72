"""Account pages, served on the platform's host and on every studio host (same URLs)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts.forms import LoginForm
from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import (
    login_destination_get,
    membership_get_for_slug,
    membership_list_for_user,
)
from shared_apps.accounts.services import (
    InvalidCredentialsError,
    InvalidVerificationLinkError,
    email_verification_confirm,
    email_verification_resend,
    user_login_attempt,
    user_login_failures_clear,
)
from shared_apps.accounts.throttling import LoginThrottledError
from shared_apps.core.errors import ThrottledError
from tenants.handoff import handoff_url
from tenants.models import Tenant
from tenants.urls import platform_url


def _studio(request: HttpRequest) -> Tenant | None:
    """The studio whose host serves this request; None on the platform's own host."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    return tenant


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    studio = _studio(request)
    next_path = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated and not next_path:
        return redirect(login_destination_get(user=_user(request), tenant=studio))
    form = LoginForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "next": next_path}
    if form.is_valid():
        try:
            user = user_login_attempt(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except LoginThrottledError as exc:
            context["throttled"] = exc.detail
            response = render(request, "accounts/login.html", context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except InvalidCredentialsError as exc:
            form.add_error(None, exc.detail)
        else:
            return redirect(next_path or login_destination_get(user=user, tenant=studio))
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have been logged out.")
    return redirect("accounts:login")


@login_required
@require_GET
def studios_view(request: HttpRequest) -> HttpResponse:
    studio = _studio(request)
    memberships = list(membership_list_for_user(user=_user(request)))
    return render(
        request,
        "accounts/studios.html",
        {
            "memberships": memberships,
            "current_studio": studio,
            "current_is_member": studio is not None
            and any(m.tenant_id == studio.pk for m in memberships),
            "console_url": platform_url("/console/"),
        },
    )


@login_required
@require_GET
def studio_switch_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Sign the person in on another studio's host: a fresh one-minute hand-off link, made at
    the moment they click (a link rendered into the page would expire while they read it)."""
    if getattr(request, "impersonation", None) is not None:
        # A support session is for one studio; it must never open the owner's other studios.
        raise Http404("Not available during a support session")
    user = _user(request)
    membership = membership_get_for_slug(user=user, slug=slug)
    if membership is None:
        raise Http404("No such studio")
    tenant = membership.tenant
    return HttpResponseRedirect(
        handoff_url(user_id=user.pk, slug=tenant.slug, schema_name=tenant.schema_name)
    )


@login_required
@require_POST
def verify_email_send_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    studio = _studio(request)
    if user.email_verified_at is not None:
        messages.info(request, "Your email address is already verified.")
    else:
        try:
            email_verification_resend(user=user, studio_slug=studio.slug if studio else None)
        except ThrottledError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"We sent a verification link to {user.email}.")
    return redirect(_safe_next(request) or login_destination_get(user=user, tenant=studio))


@require_GET
@never_cache
def verify_email_view(request: HttpRequest, token: str) -> HttpResponse:
    studio = _studio(request)
    try:
        user = email_verification_confirm(token=token)
    except InvalidVerificationLinkError as exc:
        return render(
            request, "accounts/verify_email_invalid.html", {"reason": exc.detail}, status=400
        )
    signed_in_as_them = request.user.is_authenticated and request.user.pk == user.pk
    return render(
        request,
        "accounts/verify_email_done.html",
        {
            "verified_user": user,
            "continue_url": login_destination_get(user=user, tenant=studio)
            if signed_in_as_them
            else reverse_lazy("accounts:login"),
            "signed_in": signed_in_as_them,
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_login_failures_clear(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
