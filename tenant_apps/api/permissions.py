"""API access for a studio's members: the API side of tenants.access."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tenants.access import MANAGING_ROLES, membership_for
from tenants.models import Membership


def request_membership(request: Request) -> Membership | None:
    membership = getattr(request, "_studio_membership", None)
    if membership is None:
        membership = membership_for(request.user, request.tenant)  # type: ignore[attr-defined]
        request._studio_membership = membership  # type: ignore[attr-defined]
    return membership


class IsStudioMember(BasePermission):
    """Signed-in members of this studio. Anonymous callers are refused (401/403); signed-in
    people of other studios get a 404, as on the owner app's pages."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request_membership(request) is None:
            raise NotFound()
        return True


class ManagersWriteMembersRead(IsStudioMember):
    """Every member reads; owners and managers write."""

    message = "Only the studio's owners and managers can change this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        membership = request_membership(request)
        return membership is not None and membership.role in MANAGING_ROLES
