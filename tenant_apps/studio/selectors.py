"""Reads of the owner app shell: the studio's profile and the first-day dashboard."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import URLPattern, URLResolver, get_resolver

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenant_apps.studio.navigation import url_or_none
from tenants.access import MANAGING_ROLES
from tenants.models import Membership, Role, Tenant, TenantStatus


def studio_get(*, tenant: Tenant) -> Tenant:
    """The studio's row fresh from the database (the request's copy comes from the host cache),
    with its plan."""
    return Tenant.objects.select_related("plan").get(pk=tenant.pk)


API_PREFIX = "api/v1/"


def api_endpoint_list(*, urlconf: str | None) -> dict[str, str]:
    """Paths of the API's endpoints that take no path parameter, keyed by their route below
    /api/v1/ ("studio", "services", "public/booking-pages"...), in URL configuration order."""
    found: dict[str, str] = {}

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").removesuffix("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            dynamic = any(char in route for char in "<(\\[?*+")
            if route.startswith(API_PREFIX) and route != API_PREFIX and not dynamic:
                found.setdefault(route.removeprefix(API_PREFIX).strip("/"), "/" + route)

    walk(get_resolver(urlconf).url_patterns, "")
    return found


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    description: str
    done: bool
    action_label: str = ""
    action_url: str | None = None


@dataclass(frozen=True)
class StudioStatus:
    label: str
    tone: str  # badge tone: ok / info / warn / danger
    plan_name: str
    trial_days_left: int | None
    trial_days_total: int = 14

    @property
    def trial_percent_left(self) -> int:
        if self.trial_days_left is None or not self.trial_days_total:
            return 0
        return min(100, round(100 * self.trial_days_left / self.trial_days_total))


@dataclass(frozen=True)
class Dashboard:
    greeting: str
    local_now: datetime
    status: StudioStatus
    checklist: tuple[ChecklistItem, ...]
    customers_count: int
    team_count: int
    can_manage: bool

    @property
    def checklist_done(self) -> int:
        return sum(1 for item in self.checklist if item.done)

    @property
    def checklist_percent(self) -> int:
        return round(100 * self.checklist_done / len(self.checklist)) if self.checklist else 100


def _greeting(hour: int) -> str:
    if 5 <= hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    return "Good evening"


def studio_status_get(*, tenant: Tenant, now: datetime) -> StudioStatus:
    plan_name = tenant.plan.name if tenant.plan else "No plan"
    days_left = None
    if tenant.status == TenantStatus.TRIALING and tenant.trial_ends_at is not None:
        days_left = max(0, math.ceil((tenant.trial_ends_at - now).total_seconds() / 86400))
    tones = {
        TenantStatus.ACTIVE.value: "ok",
        TenantStatus.TRIALING.value: "info",
        TenantStatus.PAST_DUE.value: "warn",
    }
    tone = tones.get(str(tenant.status), "danger")
    return StudioStatus(
        label=tenant.get_status_display(),
        tone=tone,
        plan_name=plan_name,
        trial_days_left=days_left,
        trial_days_total=tenant.plan.trial_days if tenant.plan else 14,
    )


def studio_dashboard_get(
    *, tenant: Tenant, user: User, membership: Membership, now: datetime
) -> Dashboard:
    """Everything the dashboard shows, from data that exists today (no invented figures).
    Runs in the studio's schema (customers are counted there)."""
    can_manage = membership.role in MANAGING_ROLES
    # Only owners can change the studio's profile, so only they get the buttons that lead there.
    settings_url = url_or_none("studio:settings") if membership.role == Role.OWNER else None
    team_count = Membership.objects.filter(tenant_id=tenant.pk).count()
    details_done = bool(tenant.contact_email and tenant.contact_phone and tenant.address)
    staff_url = url_or_none("catalog:staff_list")
    checklist = (
        ChecklistItem(
            key="details",
            title="Complete your studio details",
            description="Contact email, phone and address appear on your public page.",
            done=details_done,
            action_label="Add details",
            action_url=settings_url,
        ),
        ChecklistItem(
            key="logo",
            title="Upload your logo",
            description="Shown on your booking pages and in the app.",
            done=bool(tenant.logo),
            action_label="Upload logo",
            action_url=f"{settings_url}#logo" if settings_url else None,
        ),
        ChecklistItem(
            key="email",
            title="Verify your email address",
            description=f"So we can reach you at {user.email} about your studio.",
            done=user.email_verified_at is not None,
            action_label="Resend link",
        ),
        ChecklistItem(
            key="team",
            title="Invite your team",
            description="Give your instructors and front desk their own logins.",
            done=team_count > 1,
            action_label="Invite team",
            action_url=staff_url if can_manage else None,
        ),
    )
    local_now = now.astimezone(ZoneInfo(tenant.timezone))
    return Dashboard(
        greeting=_greeting(local_now.hour),
        local_now=local_now,
        status=studio_status_get(tenant=tenant, now=now),
        checklist=checklist,
        customers_count=Customer.objects.count(),
        team_count=team_count,
        can_manage=can_manage,
    )
