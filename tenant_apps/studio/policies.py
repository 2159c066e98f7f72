"""Studio-wide booking policy defaults: minimum notice, and how late customers may cancel or
reschedule themselves. Stored on the studio (public schema); each service keeps its own values,
which this module can overwrite for all services at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from shared_apps.core.errors import PermissionDeniedError, ValidationFailedError
from tenant_apps.catalog.models import Service
from tenant_apps.catalog.services import service_update
from tenants.access import MANAGING_ROLES
from tenants.models import Membership, Tenant

# Same bound as the services' own notice windows (catalog.models.Service).
MAX_MINUTES = 60 * 24 * 60
POLICY_FIELDS = {
    "min_notice_minutes": "default_min_notice_minutes",
    "cancel_notice_minutes": "default_cancel_notice_minutes",
    "reschedule_notice_minutes": "default_reschedule_notice_minutes",
}


@dataclass(frozen=True)
class BookingPolicies:
    min_notice_minutes: int
    cancel_notice_minutes: int
    reschedule_notice_minutes: int

    @classmethod
    def of(cls, tenant: Tenant) -> BookingPolicies:
        return cls(**{name: getattr(tenant, column) for name, column in POLICY_FIELDS.items()})


def service_policy_list() -> list[Service]:
    """Every service with its own notice windows (active ones first), in the studio schema."""
    return list(Service.objects.order_by("-is_active", "category", "name", "id"))


def studio_policies_update(
    *,
    tenant: Tenant,
    acting: Membership,
    policies: BookingPolicies,
    apply_to_services: bool,
) -> int:
    """Save the studio's defaults and, if asked, copy them onto every service (through
    catalog.services.service_update, so each service's own rules hold). One transaction: the
    studio row and the services change together or not at all. Returns how many services
    changed."""
    if acting.role not in MANAGING_ROLES:
        raise PermissionDeniedError("Only owners and managers can change booking policies.")
    problems = {
        name: [f"Use at most {MAX_MINUTES // 1440} days."]
        for name, value in vars(policies).items()
        if value > MAX_MINUTES
    } | {name: ["Can't be negative."] for name, value in vars(policies).items() if value < 0}
    if problems:
        raise ValidationFailedError(errors=problems)
    changed_services = 0
    with transaction.atomic():
        studio = Tenant.objects.select_for_update().get(pk=tenant.pk)
        changed = []
        for name, column in POLICY_FIELDS.items():
            value = getattr(policies, name)
            if getattr(studio, column) != value:
                setattr(studio, column, value)
                changed.append(column)
        if changed:
            studio.save(update_fields=changed)
        if apply_to_services:
            data = vars(policies)
            for service in Service.objects.select_for_update().order_by("pk"):
                if any(getattr(service, name) != value for name, value in data.items()):
                    service_update(service=service, data=data)
                    changed_services += 1
    return changed_services
