"""The audit log and support sessions in the Django admin: visible, never editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shared_apps.console.models import ImpersonationSession, PlatformAuditLog


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlatformAuditLog)
class PlatformAuditLogAdmin(_ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "tenant_slug", "target_user", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "tenant_slug", "reason", "target_user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["target_user"]


@admin.register(ImpersonationSession)
class ImpersonationSessionAdmin(_ReadOnlyAdmin):
    list_display = [
        "started_at",
        "operator",
        "target_user",
        "tenant",
        "expires_at",
        "ended_at",
        "end_reason",
    ]
    list_filter = ["end_reason"]
    search_fields = ["operator__email", "target_user__email", "tenant__slug", "reason"]
    list_select_related = ["operator", "target_user", "tenant"]
