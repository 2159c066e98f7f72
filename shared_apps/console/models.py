"""The platform operator's records (public schema): the audit log and impersonation sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    TENANT_SUSPEND = "tenant.suspend", "Studio suspended"
    TENANT_REACTIVATE = "tenant.reactivate", "Studio reactivated"
    TENANT_CANCEL = "tenant.cancel", "Studio cancelled"
    TENANT_DELETE = "tenant.delete", "Studio deleted"
    IMPERSONATION_START = "impersonation.start", "Impersonation started"
    IMPERSONATION_END = "impersonation.end", "Impersonation ended"


class AppendOnlyError(Exception):
    pass


class PlatformAuditLog(models.Model):
    """Who did what to which studio, and why. Append-only: rows are written once by the services
    and never changed. `tenant_slug` keeps the studio's name for the record after a hard deletion
    (the foreign key is then set to NULL)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, help_text="Email of the actor, or 'cli'")
    # Not a choices field: other parts of the platform may add actions without a migration.
    action = models.CharField(max_length=60, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tenant_slug = models.CharField(max_length=40, blank=True, db_index=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "platform audit entry"
        verbose_name_plural = "platform audit log"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not business logic: an audit row that could be rewritten proves nothing.
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


class ImpersonationEndReason(models.TextChoices):
    ENDED = "ended", "Ended by the operator"
    EXPIRED = "expired", "Expired"
    INVALID = "invalid", "Did not match the signed-in user or studio"


class ImpersonationSession(models.Model):
    """An operator signed in as a studio's owner for support, for a limited time."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="impersonations_started"
    )
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="impersonation_sessions"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impersonated_sessions"
    )
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=ImpersonationEndReason.choices, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-started_at"], name="console_imp_tenant_started")
        ]

    def __str__(self) -> str:
        return f"{self.operator} as {self.target_user} @ {self.tenant_id}"

    def is_active_at(self, moment: datetime) -> bool:
        return self.ended_at is None and moment < self.expires_at

    @property
    def is_active(self) -> bool:
        return self.is_active_at(timezone.now())
