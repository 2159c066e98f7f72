"""Operator actions. Each one writes its PlatformAuditLog row in the same transaction as the change.

Reactivation restores the status a studio had before it was blocked. That status is not kept on
Tenant (no extra column): the suspend/cancel audit row records it in `metadata.previous_status`,
and `tenant_reactivate` reads it back from the latest such row. Without one (a status set by
hand in the admin), a studio whose trial is still running goes back to "trialing", any other to
"active".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts.models import User
from shared_apps.console.models import (
    AuditAction,
    ImpersonationEndReason,
    ImpersonationSession,
    PlatformAuditLog,
)
from shared_apps.console.selectors import studio_owner
from shared_apps.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tenants.models import BLOCKED_STATUSES, Tenant, TenantStatus
from tenants.provisioning import tenant_hard_delete

CLI_ACTOR_LABEL = "cli"
IMPERSONATION_DEFAULT_MINUTES = 30
SUSPENDABLE_STATUSES = frozenset(
    {TenantStatus.TRIALING, TenantStatus.ACTIVE, TenantStatus.PAST_DUE}
)
CANCELLABLE_STATUSES = SUSPENDABLE_STATUSES | {TenantStatus.SUSPENDED}


class StudioStateError(ConflictError):
    code = "studio_state_conflict"
    title = "The studio is not in a state that allows this"


class ImpersonationNotAllowedError(ConflictError):
    code = "impersonation_not_allowed"
    title = "This studio cannot be entered as its owner"


def audit_entry_create(
    *,
    actor: User | None,
    action: str,
    tenant: Tenant | None = None,
    tenant_slug: str = "",
    target_user: User | None = None,
    reason: str = "",
    metadata: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str = "",
) -> PlatformAuditLog:
    return PlatformAuditLog.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else CLI_ACTOR_LABEL),
        action=action,
        tenant=tenant,
        tenant_slug=tenant_slug or (tenant.slug if tenant is not None else ""),
        target_user=target_user,
        reason=reason[:500],
        metadata=metadata or {},
        ip=ip or None,
    )


def _require_operator(actor: User) -> None:
    if not (actor.is_active and actor.is_staff):
        raise PermissionDeniedError("Only platform operators may do this.")


def _require_reason(reason: str, *, message: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise ValidationFailedError(errors={"reason": [message]})
    if len(cleaned) > 500:
        raise ValidationFailedError(errors={"reason": ["Use at most 500 characters."]})
    return cleaned


def _lock_studio(tenant: Tenant) -> Tenant:
    locked = Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    if locked is None or locked.schema_name == get_public_schema_name():
        raise NotFoundError("No such studio.")
    return locked


def _status_before_block(tenant: Tenant) -> str:
    if tenant.status not in BLOCKED_STATUSES:
        return str(tenant.status)
    return _restorable_status(tenant)


def _restorable_status(tenant: Tenant) -> str:
    last_block = (
        PlatformAuditLog.objects.filter(
            tenant=tenant, action__in=[AuditAction.TENANT_SUSPEND, AuditAction.TENANT_CANCEL]
        )
        .order_by("-created_at", "-id")
        .first()
    )
    previous = (last_block.metadata or {}).get("previous_status") if last_block else None
    if previous in SUSPENDABLE_STATUSES:
        return str(previous)
    if tenant.trial_ends_at is not None and tenant.trial_ends_at > timezone.now():
        return TenantStatus.TRIALING
    return TenantStatus.ACTIVE


def tenant_suspend(*, tenant: Tenant, actor: User, reason: str, ip: str | None = None) -> Tenant:
    """Block the studio (pages show a notice, the API answers 403); its data is untouched."""
    _require_operator(actor)
    cleaned = _require_reason(reason, message="Enter the reason for the suspension.")
    with transaction.atomic():
        studio = _lock_studio(tenant)
        if studio.status not in SUSPENDABLE_STATUSES:
            raise StudioStateError(f"{studio.name} is {studio.get_status_display().lower()}.")
        previous = str(studio.status)
        studio.status = TenantStatus.SUSPENDED
        studio.suspended_at = timezone.now()
        studio.suspension_reason = cleaned
        studio.save(update_fields=["status", "suspended_at", "suspension_reason"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.TENANT_SUSPEND,
            tenant=studio,
            reason=cleaned,
            metadata={"previous_status": previous},
            ip=ip,
        )
    return studio


def tenant_cancel(*, tenant: Tenant, actor: User, reason: str, ip: str | None = None) -> Tenant:
    """Soft cancellation: the studio closes, its schema and rows stay; reactivation undoes it."""
    _require_operator(actor)
    cleaned = _require_reason(reason, message="Enter the reason for the cancellation.")
    with transaction.atomic():
        studio = _lock_studio(tenant)
        if studio.status not in CANCELLABLE_STATUSES:
            raise StudioStateError(f"{studio.name} is {studio.get_status_display().lower()}.")
        previous = _status_before_block(studio)
        studio.status = TenantStatus.CANCELLED
        studio.cancelled_at = timezone.now()
        studio.save(update_fields=["status", "cancelled_at"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.TENANT_CANCEL,
            tenant=studio,
            reason=cleaned,
            metadata={"previous_status": previous},
            ip=ip,
        )
    return studio


def tenant_reactivate(
    *, tenant: Tenant, actor: User, reason: str = "", ip: str | None = None
) -> Tenant:
    """Undo a suspension or a cancellation: the studio gets back the status it had before."""
    _require_operator(actor)
    with transaction.atomic():
        studio = _lock_studio(tenant)
        if studio.status not in BLOCKED_STATUSES:
            raise StudioStateError(f"{studio.name} is not suspended or cancelled.")
        blocked_status = str(studio.status)
        restored = _restorable_status(studio)
        studio.status = restored
        studio.suspended_at = None
        studio.suspension_reason = ""
        studio.cancelled_at = None
        studio.save(update_fields=["status", "suspended_at", "suspension_reason", "cancelled_at"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.TENANT_REACTIVATE,
            tenant=studio,
            reason=reason.strip(),
            metadata={"from_status": blocked_status, "restored_status": restored},
            ip=ip,
        )
    return studio


def tenant_delete(
    *, tenant: Tenant, actor: User | None = None, reason: str = "", ip: str | None = None
) -> None:
    """Irreversible hard deletion (schema and public rows) with its audit row. Earlier audit rows
    of the studio survive: their tenant becomes NULL, their tenant_slug stays."""
    if tenant.schema_name == get_public_schema_name():
        raise PermissionDeniedError("The platform's own tenant cannot be deleted.")
    with transaction.atomic():
        studio = _lock_studio(tenant)
        audit_entry_create(
            actor=actor,
            action=AuditAction.TENANT_DELETE,
            tenant=None,
            tenant_slug=studio.slug,
            reason=reason.strip(),
            metadata={
                "name": studio.name,
                "schema_name": studio.schema_name,
                "domains": list(studio.domains.values_list("domain", flat=True)),
                "memberships": studio.memberships.count(),
            },
            ip=ip,
        )
        tenant_hard_delete(tenant=studio)


def impersonation_start(
    *,
    operator: User,
    tenant: Tenant,
    reason: str,
    minutes: int = IMPERSONATION_DEFAULT_MINUTES,
    ip: str | None = None,
) -> ImpersonationSession:
    """Open an audited, time-limited session in which `operator` acts as the studio's owner.
    The caller sends the operator's browser through tenants.handoff with the session's id."""
    _require_operator(operator)
    cleaned = _require_reason(reason, message="Enter the reason for signing in as the owner.")
    max_minutes = settings.IMPERSONATION_MAX_MINUTES
    if not 1 <= minutes <= max_minutes:
        raise ValidationFailedError(
            errors={"minutes": [f"Choose between 1 and {max_minutes} minutes."]}
        )
    if tenant.schema_name == get_public_schema_name():
        raise NotFoundError("No such studio.")
    if tenant.is_blocked:
        raise ImpersonationNotAllowedError(
            f"{tenant.name} is {tenant.get_status_display().lower()}; reactivate it first."
        )
    owner = studio_owner(tenant)
    if owner is None:
        raise ImpersonationNotAllowedError(f"{tenant.name} has no active owner to sign in as.")
    if owner.is_staff or owner.is_superuser:
        raise ImpersonationNotAllowedError("The owner is a platform operator; sign in as yourself.")
    now = timezone.now()
    with transaction.atomic():
        session = ImpersonationSession.objects.create(
            operator=operator,
            tenant=tenant,
            target_user=owner,
            reason=cleaned,
            started_at=now,
            expires_at=now + timedelta(minutes=minutes),
            ip=ip or None,
        )
        audit_entry_create(
            actor=operator,
            action=AuditAction.IMPERSONATION_START,
            tenant=tenant,
            target_user=owner,
            reason=cleaned,
            metadata={
                "session_id": session.pk,
                "minutes": minutes,
                "expires_at": session.expires_at.isoformat(),
            },
            ip=ip,
        )
    return session


def impersonation_end(
    *,
    session: ImpersonationSession,
    end_reason: ImpersonationEndReason,
    ip: str | None = None,
) -> ImpersonationSession:
    """End a session (idempotent: ending an ended session writes nothing). The audit row names the
    operator who started it; `metadata.ended_by` tells an operator's click from the system."""
    with transaction.atomic():
        locked = ImpersonationSession.objects.select_for_update().get(pk=session.pk)
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.end_reason = end_reason
        locked.save(update_fields=["ended_at", "end_reason"])
        audit_entry_create(
            actor=locked.operator,
            action=AuditAction.IMPERSONATION_END,
            tenant=locked.tenant,
            target_user=locked.target_user,
            reason=str(end_reason),
            metadata={
                "session_id": locked.pk,
                "ended_by": "operator" if end_reason == ImpersonationEndReason.ENDED else "system",
                "expires_at": locked.expires_at.isoformat(),
            },
            ip=ip,
        )
    return locked
