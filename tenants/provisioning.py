"""Creating and removing studios.

`tenant_provision` does everything in one database transaction: the Tenant row, its domain, the
schema with all tenant migrations, the owner's membership and the studio's defaults. PostgreSQL
DDL is transactional, so a failure at any step leaves no row and no schema behind.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import schema_context

from billing.models import Plan
from shared_apps.accounts.models import User
from shared_apps.core.errors import ConflictError, ValidationFailedError
from tenants.currencies import CURRENCY_CODES
from tenants.db import tenant_connection
from tenants.models import Domain, Membership, Role, Tenant, TenantStatus
from tenants.resolution import forget_tenant
from tenants.slugs import schema_name_for_slug, slug_problems
from tenants.urls import studio_host

logger = logging.getLogger(__name__)


class SlugTakenError(ConflictError):
    code = "slug_taken"
    title = "This subdomain is taken"


@dataclass(frozen=True)
class StudioDetails:
    slug: str
    name: str
    timezone: str = "UTC"
    currency: str = "USD"
    plan_code: str | None = None


def studio_details_problems(details: StudioDetails) -> dict[str, list[str]]:
    """Field errors for a studio about to be provisioned (empty: valid)."""
    errors: dict[str, list[str]] = {}
    if problems := slug_problems(details.slug):
        errors["slug"] = problems
    elif slug_is_taken(details.slug):
        errors["slug"] = ["This subdomain is taken. Please choose another."]
    if not details.name.strip():
        errors["name"] = ["Enter the studio's name."]
    elif len(details.name) > 120:
        errors["name"] = ["Use at most 120 characters."]
    if details.timezone not in zoneinfo.available_timezones():
        errors["timezone"] = ["Choose a time zone from the list."]
    if details.currency not in CURRENCY_CODES:
        errors["currency"] = ["Choose a currency from the list."]
    if details.plan_code and not Plan.objects.filter(code=details.plan_code).exists():
        errors["plan"] = ["Unknown plan."]
    return errors


def slug_is_taken(slug: str) -> bool:
    return (
        Tenant.objects.filter(slug=slug).exists()
        or Tenant.objects.filter(schema_name=schema_name_for_slug(slug)).exists()
        or Domain.objects.filter(domain=studio_host(slug)).exists()
    )


def _default_plan(plan_code: str | None) -> Plan | None:
    if plan_code:
        return Plan.objects.get(code=plan_code)
    return Plan.objects.filter(is_public=True).order_by("sort_order").first()


def tenant_provision(*, details: StudioDetails, owner: User) -> Tenant:
    """Create a studio with `owner` as its owner. Raises ValidationFailedError for bad details and
    SlugTakenError when another studio holds the subdomain (also under a race)."""
    if errors := studio_details_problems(details):
        if list(errors) == ["slug"] and "taken" in errors["slug"][0]:
            raise SlugTakenError(errors["slug"][0], errors=errors)
        raise ValidationFailedError(errors=errors)
    plan = _default_plan(details.plan_code)
    now = timezone.now()
    try:
        with transaction.atomic():
            tenant = Tenant(
                schema_name=schema_name_for_slug(details.slug),
                slug=details.slug,
                name=details.name.strip(),
                timezone=details.timezone,
                currency=details.currency,
                plan=plan,
                status=TenantStatus.TRIALING,
                trial_ends_at=now + timedelta(days=plan.trial_days if plan else 14),
                contact_email=owner.email,
            )
            tenant.save()
            Domain.objects.create(domain=studio_host(details.slug), tenant=tenant, is_primary=True)
            _create_schema(tenant)
            _add_owner(tenant, owner)
            _run_setup_hooks(tenant)
    except IntegrityError as exc:
        raise SlugTakenError(
            "This subdomain is taken. Please choose another.",
            errors={"slug": ["This subdomain is taken."]},
        ) from exc
    finally:
        # migrate_schemas leaves the connection on the new schema; the caller continues on public.
        tenant_connection().set_schema_to_public()
    logger.info("studio provisioned", extra={"studio": tenant.schema_name})
    return tenant


def _create_schema(tenant: Tenant) -> None:
    tenant.create_schema(check_if_exists=False, verbosity=0)


def _run_setup_hooks(tenant: Tenant) -> None:
    """Studio defaults owned by tenant apps (a default booking page, ...), run inside the new
    schema and the same transaction. Named in settings so this public-schema package never
    imports tenant apps."""
    with schema_context(tenant.schema_name):
        for hook in settings.TENANT_SETUP_HOOKS:
            import_string(hook)(tenant=tenant)


def _add_owner(tenant: Tenant, owner: User) -> None:
    Membership.objects.create(user=owner, tenant=tenant, role=Role.OWNER)


def tenant_hard_delete(*, tenant: Tenant) -> None:
    """Irreversible: drops the schema and every public row of the studio."""
    with transaction.atomic():
        forget_tenant(tenant)
        tenant.delete(force_drop=True)
    tenant_connection().set_schema_to_public()
