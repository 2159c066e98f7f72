"""Reads of the notifications app."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, QuerySet

from tenant_apps.notifications.models import (
    Notification,
    NotificationSettings,
    NotificationStatus,
)
from tenants.db import current_schema
from tenants.models import Tenant


def current_studio() -> Tenant:
    """The studio whose schema is active. A request's tenant is used as is; elsewhere (tasks,
    schema_context) the active tenant is a stand-in without the studio's fields, so it is
    loaded."""
    schema = current_schema()
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant) and tenant.schema_name == schema and tenant.pk is not None:
        return tenant
    return Tenant.objects.get(schema_name=schema)


def notification_settings_get() -> NotificationSettings:
    """The studio's settings; the defaults (unsaved) until a manager changes them."""
    found = NotificationSettings.objects.filter(pk=NotificationSettings.SINGLETON_ID).first()
    return found if found is not None else NotificationSettings()


def notification_list(*, status: str | None = None) -> QuerySet[Notification]:
    """The delivery log, newest first, optionally one status only."""
    rows = Notification.objects.select_related("appointment").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    return rows


def notification_status_counts() -> dict[str, int]:
    """How many rows each status has (every status present, zero when none)."""
    counts = dict.fromkeys(NotificationStatus.values, 0)
    for row in Notification.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts
