"""Who may use the console: platform operators (User.is_staff), on the platform host only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import get_public_schema_name

FALLBACK_LOGIN_PATH = "/accounts/login/"


def is_operator(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )


def _login_path() -> str:
    try:
        return reverse("accounts:login")
    except NoReverseMatch:
        return FALLBACK_LOGIN_PATH


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; anyone else who is not an operator gets a 404
    (the console does not admit it exists). On a studio host the console does not exist."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name != get_public_schema_name():
            raise Http404("The console lives on the platform host")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=_login_path())
        if not is_operator(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: which proxy headers to trust is a deployment decision (see deploy/).
    return request.META.get("REMOTE_ADDR") or None
