"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from shared_apps.accounts.models import User
from tenants.models import Membership, Tenant


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """Every studio membership of `user`, studios by name, with the studio (and its plan)
    loaded: the "your studios" page and the studio switcher."""
    return (
        Membership.objects.filter(user=user)
        .select_related("tenant", "tenant__plan")
        .order_by("tenant__name", "tenant_id")
    )


def membership_get_for_slug(*, user: User, slug: str) -> Membership | None:
    return Membership.objects.filter(user=user, tenant__slug=slug).select_related("tenant").first()


def login_destination_get(*, user: User, tenant: Tenant | None) -> str:
    """Where a person lands after logging in when no `next` was asked for: the owner app on a
    studio host they belong to, the console for operators on the platform's host, otherwise the
    list of their studios."""
    if tenant is not None:
        if Membership.objects.filter(user=user, tenant_id=tenant.pk).exists():
            return "/app/"
        return "/accounts/studios/"
    if user.is_staff:
        return "/console/"
    return "/accounts/studios/"
