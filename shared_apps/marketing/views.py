"""Marketing site and studio sign-up pages (platform host, public schema)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shared_apps.accounts.models import User
from shared_apps.core.errors import ThrottledError, ValidationFailedError
from shared_apps.marketing.forms import SignupForm
from shared_apps.marketing.models import SignupStatus, StudioSignup
from shared_apps.marketing.selectors import (
    plan_list_public,
    signup_get_for_token,
    signup_slug_problems,
    trial_days_default,
)
from shared_apps.marketing.services import (
    EMAIL_TAKEN_MESSAGE,
    signup_create,
    signup_handoff_url,
    signup_login_url,
)
from tenants.urls import studio_host

SESSION_KEY = "marketing_signups"
_MAX_REMEMBERED = 5
STEPS = ("Creating your studio", "Setting up your calendar", "Ready")


def _signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "marketing/landing.html",
        {"plans": plan_list_public(), "trial_days": trial_days_default()},
    )


@require_GET
def pricing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "marketing/pricing.html",
        {"plans": plan_list_public(), "trial_days": trial_days_default()},
    )


def _client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be.
    return request.META.get("REMOTE_ADDR") or None


def _remember(request: HttpRequest, token: str) -> None:
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    request.session[SESSION_KEY] = [*tokens, token][-_MAX_REMEMBERED:]


def _retry_initial(request: HttpRequest) -> dict[str, str]:
    """A failed sign-up's details, so "try again" does not mean typing everything again."""
    signup = signup_get_for_token(token=request.GET.get("retry", ""))
    if signup is None or signup.status != SignupStatus.FAILED:
        return {}
    return {
        "studio_name": signup.studio_name,
        "slug": signup.slug,
        "timezone": signup.timezone,
        "currency": signup.currency,
        "plan_code": signup.plan_code,
        "full_name": signup.owner_full_name,
        "email": signup.owner_email,
    }


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    owner = _signed_in_user(request)
    if request.method == "POST":
        form = SignupForm(request.POST, owner=owner)
        if form.is_valid():
            try:
                created = signup_create(
                    data=form.to_request(), owner=owner, ip_address=_client_ip(request)
                )
            except ThrottledError as exc:
                form.add_error(None, exc.detail)
            except ValidationFailedError as exc:
                for field, messages in exc.errors.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                _remember(request, created.token)
                return HttpResponseRedirect(
                    reverse("marketing:signup-progress", args=[created.token])
                )
    else:
        initial = _retry_initial(request)
        if not initial and request.GET.get("plan"):
            initial["plan_code"] = request.GET["plan"]
        form = SignupForm(owner=owner, initial=initial)
    return render(
        request,
        "marketing/signup.html",
        {
            "form": form,
            "platform_domain": settings.PLATFORM_DOMAIN,
            "trial_days": trial_days_default(),
            "login_url": "/accounts/login/?next=" + reverse("marketing:signup"),
            "email_exists": EMAIL_TAKEN_MESSAGE in form.errors.get("email", []),
        },
    )


@require_GET
def signup_check_subdomain(request: HttpRequest) -> HttpResponse:
    """htmx: a live hint beside the subdomain field."""
    slug = request.GET.get("slug", "").strip().lower()[:64]
    context = {
        "slug": slug,
        "host": studio_host(slug) if slug else "",
        "problems": signup_slug_problems(slug) if slug else [],
    }
    return render(request, "marketing/_subdomain_status.html", context)


def _signup_or_404(token: str) -> StudioSignup:
    found = signup_get_for_token(token=token)
    if found is None:
        raise Http404("No such sign-up")
    return found


def _progress_context(request: HttpRequest, signup: StudioSignup) -> dict[str, Any]:
    step = {
        SignupStatus.PENDING: 0,
        SignupStatus.RUNNING: 1,
        SignupStatus.DONE: 3,
        SignupStatus.FAILED: -1,
    }[SignupStatus(signup.status)]
    return {
        "signup": signup,
        "steps": [
            {"label": label, "state": "done" if i < step else "active" if i == step else "todo"}
            for i, label in enumerate(STEPS)
        ],
        "host": studio_host(signup.slug),
        "owned": signup.token in request.session.get(SESSION_KEY, []),
        "login_url": signup_login_url(signup=signup),
        "retry_url": reverse("marketing:signup") + f"?retry={signup.token}",
        "continue_url": reverse("marketing:signup-continue", args=[signup.token]),
    }


@require_GET
def signup_progress(request: HttpRequest, token: str) -> HttpResponse:
    found = _signup_or_404(token)
    return render(request, "marketing/signup_progress.html", _progress_context(request, found))


@require_GET
def signup_status(request: HttpRequest, token: str) -> HttpResponse:
    """Polled by the progress page. htmx gets the steps (and HX-Redirect once the studio is
    ready); anything else gets JSON."""
    found = _signup_or_404(token)
    redirect_url = signup_handoff_url(
        signup=found, session_tokens=request.session.get(SESSION_KEY, [])
    )
    if getattr(request, "htmx", False):
        response = render(
            request, "marketing/_signup_steps.html", _progress_context(request, found)
        )
        if redirect_url:
            response["HX-Redirect"] = redirect_url
        return response
    if found.status == SignupStatus.DONE and redirect_url is None:
        redirect_url = signup_login_url(signup=found)
    return JsonResponse(
        {
            "status": found.status,
            "message": found.error_message,
            "redirect_url": redirect_url,
            "retry_url": (
                reverse("marketing:signup") + f"?retry={found.token}"
                if found.status == SignupStatus.FAILED
                else None
            ),
        },
        headers={"Cache-Control": "no-store"},
    )


@require_GET
def signup_continue(request: HttpRequest, token: str) -> HttpResponse:
    """The no-JavaScript way into a ready studio: a fresh sign-in link, or the login page."""
    found = _signup_or_404(token)
    if found.status != SignupStatus.DONE:
        return HttpResponseRedirect(reverse("marketing:signup-progress", args=[found.token]))
    target = signup_handoff_url(signup=found, session_tokens=request.session.get(SESSION_KEY, []))
    return HttpResponseRedirect(target or signup_login_url(signup=found))
