"""Who may enter a studio's owner app. The one place that decides it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django_tenants.utils import get_public_schema_name

from tenants.models import Membership, Role, Tenant

MANAGING_ROLES = frozenset({Role.OWNER, Role.MANAGER})


def membership_for(user: Any, tenant: Tenant) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, tenant_id=tenant.pk).first()


def studio_member_required(*, roles: frozenset[str] | None = None) -> Callable[..., Any]:
    """View decorator for the owner app: anonymous visitors go to the login page; a signed-in
    person who is not a member of this studio (or lacks the role) gets a 404, never a hint that
    the page exists. The membership is put on `request.membership`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            tenant = getattr(request, "tenant", None)
            if tenant is None or tenant.schema_name == get_public_schema_name():
                raise Http404("Not a studio host")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_for(request.user, tenant)
            if membership is None or (roles is not None and membership.role not in roles):
                raise Http404("No such page")
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def request_can_manage(request: HttpRequest) -> bool:
    """Whether the member on a studio_member_required page is an owner or a manager."""
    return request.membership.role in MANAGING_ROLES  # type: ignore[attr-defined]
