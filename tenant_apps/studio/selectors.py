"""Reads of the owner app shell: the studio's profile and the dashboard."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import URLPattern, URLResolver, get_resolver

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenant_apps.reports.periods import ReportRange
from tenant_apps.reports.selectors import (
    Summary,
    appointment_day_list,
    pending_approval_list,
    report_summary_get,
)
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.selectors import zone_or_utc
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


# Badge tone per appointment status (the house badges: ok / info / warn / danger / muted).
STATUS_TONES = {
    AppointmentStatus.PENDING: "warn",
    AppointmentStatus.CONFIRMED: "info",
    AppointmentStatus.COMPLETED: "ok",
    AppointmentStatus.NO_SHOW: "danger",
    AppointmentStatus.CANCELLED: "muted",
    AppointmentStatus.REJECTED: "muted",
}


@dataclass(frozen=True)
class DayAppointment:
    """One line of the dashboard's day (or of its approval list), in the studio's time."""

    id: int
    reference: str
    local_start: datetime
    local_end: datetime
    customer: str
    service: str
    staff: str
    staff_color: str
    status: str
    status_label: str
    tone: str
    calendar_url: str | None

    @classmethod
    def of(
        cls, appointment: Appointment, zone: ZoneInfo, calendar_url: str | None
    ) -> DayAppointment:
        local_start = appointment.start.astimezone(zone)
        return cls(
            id=appointment.pk,
            reference=appointment.reference,
            local_start=local_start,
            local_end=appointment.end.astimezone(zone),
            customer=appointment.customer.full_name,
            service=appointment.service.name,
            staff=appointment.staff.display_name,
            staff_color=appointment.staff.color,
            status=appointment.status,
            status_label=appointment.get_status_display(),
            tone=STATUS_TONES.get(AppointmentStatus(appointment.status), "muted"),
            # The calendar opens on the appointment's local day.
            calendar_url=f"{calendar_url}?date={local_start.date().isoformat()}"
            if calendar_url
            else None,
        )


@dataclass(frozen=True)
class Dashboard:
    greeting: str
    local_now: datetime
    status: StudioStatus
    checklist: tuple[ChecklistItem, ...]
    customers_count: int
    team_count: int
    can_manage: bool
    today: tuple[DayAppointment, ...] = ()
    # Staff see their own day only; a staff login not linked to a staff profile sees none.
    own_day_only: bool = False
    pending_count: int = 0
    pending: tuple[DayAppointment, ...] = ()
    calendar_url: str | None = None
    approvals_url: str | None = None
    reports_url: str | None = None
    # Owners and managers: the chosen range's figures (None for staff, or a range in error).
    summary: Summary | None = None

    @property
    def today_cancelled(self) -> int:
        """Today's appointments that will not (or did not) happen: cancelled or missed."""
        return sum(
            1
            for item in self.today
            if item.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
        )

    @property
    def today_active(self) -> int:
        return len(self.today) - self.today_cancelled

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
    *,
    tenant: Tenant,
    user: User,
    membership: Membership,
    now: datetime,
    report_range: ReportRange | None = None,
) -> Dashboard:
    """Everything the dashboard shows, from data that exists today (no invented figures).
    Runs in the studio's schema. Owners and managers get the studio's whole day, the approval
    queue and the figures of `report_range`; staff get their own appointments of the day and
    nothing about money."""
    can_manage = membership.role in MANAGING_ROLES
    # Only owners can change the studio's profile, so only they get the buttons that lead there.
    settings_url = url_or_none("studio:settings") if membership.role == Role.OWNER else None
    team_count = Membership.objects.filter(tenant_id=tenant.pk).count()
    details_done = bool(tenant.contact_email and tenant.contact_phone and tenant.address)
    team_url = url_or_none("studio:team")
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
            action_url=team_url if can_manage else None,
        ),
    )
    zone = zone_or_utc(tenant.timezone)
    local_now = now.astimezone(zone)
    calendar_url = url_or_none("scheduling:calendar")
    day = appointment_day_list(
        day=local_now.date(),
        timezone_name=tenant.timezone,
        staff_user_id=None if can_manage else user.pk,
    )
    pending_count, pending = pending_approval_list() if can_manage else (0, [])
    summary = None
    if can_manage and report_range is not None:
        summary = report_summary_get(
            report_range=report_range, currency=tenant.currency, studio_timezone=tenant.timezone
        )
    return Dashboard(
        greeting=_greeting(local_now.hour),
        local_now=local_now,
        status=studio_status_get(tenant=tenant, now=now),
        checklist=checklist,
        customers_count=Customer.objects.count(),
        team_count=team_count,
        can_manage=can_manage,
        today=tuple(DayAppointment.of(a, zone, calendar_url) for a in day),
        own_day_only=not can_manage,
        pending_count=pending_count,
        pending=tuple(DayAppointment.of(a, zone, calendar_url) for a in pending),
        calendar_url=calendar_url,
        approvals_url=url_or_none("scheduling:approval_queue") if can_manage else None,
        reports_url=url_or_none("reports:overview") if can_manage else None,
        summary=summary,
    )
