"""API permissions on a studio's host."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.access import membership_for


class IsStudioMember(BasePermission):
    """Signed-in members of the studio on this host. Anonymous callers get 403
    (not_authenticated); a signed-in non-member gets 404, as in the owner app, so the API never
    confirms what exists in a studio they do not belong to."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        tenant = getattr(request, "tenant", None)
        if tenant is None or membership_for(request.user, tenant) is None:
            raise NotFound()
        return True
