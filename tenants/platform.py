"""The platform's own (public) tenant: the host of the marketing site and the console."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tenants.utils import get_public_schema_name

from tenants.models import Domain, Tenant, TenantStatus


def platform_tenant_ensure() -> Tenant:
    """Idempotent: the public Tenant row and its domain (PLATFORM_DOMAIN)."""
    with transaction.atomic():
        tenant, _ = Tenant.objects.get_or_create(
            schema_name=get_public_schema_name(),
            defaults={"slug": "platform", "name": "StudioBook", "status": TenantStatus.ACTIVE},
        )
        Domain.objects.get_or_create(
            domain=settings.PLATFORM_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
        )
    return tenant
