"""Reads for the operator console. A page of studios costs a constant number of public queries
plus one schema visit per studio shown (tenants.usage), never a visit to every studio."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts.models import User
from shared_apps.console.models import ImpersonationSession, PlatformAuditLog
from shared_apps.core.errors import NotFoundError
from tenants.models import Domain, Membership, Role, Tenant
from tenants.usage import StudioUsage, studio_usage_for

STUDIOS_PER_PAGE = 25
AUDIT_ENTRIES_PER_PAGE = 50
RECENT_AUDIT_ENTRIES = 10
RECENT_IMPERSONATIONS = 5


@dataclass(frozen=True)
class StudioRow:
    tenant: Tenant
    owner_email: str | None
    primary_domain: str | None
    staff_count: int
    usage: StudioUsage


@dataclass(frozen=True)
class StudioPage:
    page: Page
    rows: list[StudioRow]


@dataclass(frozen=True)
class StudioDetail:
    row: StudioRow
    owner: User | None
    members: list[Membership]
    domains: list[Domain]
    recent_audit: list[PlatformAuditLog]
    impersonations: list[ImpersonationSession]


def _studios() -> QuerySet[Tenant]:
    owner_email = (
        Membership.objects.filter(tenant=OuterRef("pk"), role=Role.OWNER)
        .order_by("created_at", "pk")
        .values("user__email")[:1]
    )
    primary_domain = (
        Domain.objects.filter(tenant=OuterRef("pk"))
        .order_by("-is_primary", "domain")
        .values("domain")[:1]
    )
    staff_count = (
        Membership.objects.filter(tenant=OuterRef("pk"))
        .order_by()
        .values("tenant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .select_related("plan")
        .annotate(
            owner_email=Subquery(owner_email),
            primary_domain=Subquery(primary_domain),
            staff_count=Coalesce(Subquery(staff_count, output_field=IntegerField()), 0),
        )
    )


def _rows(tenants: list[Tenant]) -> list[StudioRow]:
    usage = studio_usage_for(tenants)
    return [
        StudioRow(
            tenant=tenant,
            owner_email=tenant.owner_email,  # type: ignore[attr-defined]
            primary_domain=tenant.primary_domain,  # type: ignore[attr-defined]
            staff_count=tenant.staff_count,  # type: ignore[attr-defined]
            usage=usage[tenant.pk],
        )
        for tenant in tenants
    ]


def studio_list(*, search: str = "", status: str = "", page: int | str = 1) -> StudioPage:
    """Studios matching `search` (name, slug, owner email or domain) and `status`, one page."""
    studios = _studios()
    term = search.strip()
    if term:
        studios = studios.filter(
            Q(name__icontains=term)
            | Q(slug__icontains=term)
            | Exists(
                Membership.objects.filter(
                    tenant=OuterRef("pk"), role=Role.OWNER, user__email__icontains=term
                )
            )
            | Exists(Domain.objects.filter(tenant=OuterRef("pk"), domain__icontains=term))
        )
    if status:
        studios = studios.filter(status=status)
    paginator = Paginator(studios.order_by("name", "pk"), STUDIOS_PER_PAGE)
    page_obj = paginator.get_page(page)
    tenants = list(page_obj.object_list)
    page_obj.object_list = tenants
    return StudioPage(page=page_obj, rows=_rows(tenants))


def studio_get(*, slug: str) -> Tenant:
    """A studio by slug; the platform's own tenant is not a studio."""
    tenant = (
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .select_related("plan")
        .filter(slug=slug)
        .first()
    )
    if tenant is None:
        raise NotFoundError("No such studio.")
    return tenant


def studio_owner(tenant: Tenant) -> User | None:
    """The studio's first active owner (studios have one; the earliest wins if there are more)."""
    membership = (
        Membership.objects.filter(tenant=tenant, role=Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


def studio_detail(*, slug: str) -> StudioDetail:
    tenant = _studios().filter(slug=slug).first()
    if tenant is None:
        raise NotFoundError("No such studio.")
    row = _rows([tenant])[0]
    role_order = {Role.OWNER: 0, Role.MANAGER: 1, Role.STAFF: 2}
    members = sorted(
        Membership.objects.filter(tenant=tenant).select_related("user"),
        key=lambda m: (role_order.get(m.role, 9), m.user.email),  # type: ignore[call-overload]
    )
    return StudioDetail(
        row=row,
        owner=studio_owner(tenant),
        members=members,
        domains=list(Domain.objects.filter(tenant=tenant).order_by("-is_primary", "domain")),
        recent_audit=list(
            PlatformAuditLog.objects.filter(tenant=tenant).select_related("actor", "target_user")[
                :RECENT_AUDIT_ENTRIES
            ]
        ),
        impersonations=list(
            ImpersonationSession.objects.filter(tenant=tenant).select_related(
                "operator", "target_user"
            )[:RECENT_IMPERSONATIONS]
        ),
    )


def audit_entry_list(*, tenant_slug: str = "", action: str = "", page: int | str = 1) -> Page:
    entries = PlatformAuditLog.objects.select_related("actor", "target_user", "tenant")
    if tenant_slug.strip():
        entries = entries.filter(tenant_slug=tenant_slug.strip().lower())
    if action:
        entries = entries.filter(action=action)
    paginator = Paginator(entries.order_by("-created_at", "-id"), AUDIT_ENTRIES_PER_PAGE)
    page_obj = paginator.get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    return page_obj


def impersonation_session_get(*, session_id: int) -> ImpersonationSession | None:
    return (
        ImpersonationSession.objects.select_related("tenant", "target_user", "operator")
        .filter(pk=session_id)
        .first()
    )
