"""Background work that runs inside one studio's schema.

`studio_usage_snapshot` measures the studio it runs in with the usage counters that tenant apps
register in `tenants.usage` (customers, appointments this month, ...) and stores the figures
under a platform-wide cache key, so platform pages can show them without entering each schema.
Like every tenant task it runs in the schema it was sent from (tenant-schemas-celery carries the
schema in a message header); `studio_usage_snapshot_all` fans it out to every studio in use, for
beat or a command, naming each schema explicitly.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenants.db import current_schema
from tenants.models import Tenant
from tenants.task_context import fan_out_to_studios
from tenants.usage import usage_counters, usage_scope_for

logger = logging.getLogger(__name__)

# A daily beat run refreshes the figures; two days keeps them through one missed run.
USAGE_SNAPSHOT_TTL_SECONDS = 2 * 24 * 3600


class NotInStudioSchemaError(RuntimeError):
    """A studio task ran on the public schema: it was sent without a studio's schema (for
    example from `transaction.on_commit`, after the studio's context had gone)."""


@dataclass(frozen=True)
class UsageSnapshot:
    schema_name: str
    counts: dict[str, int]
    measured_at: str  # ISO 8601, UTC


def usage_snapshot_cache_key(schema_name: str) -> str:
    # "platform:" keys live under the public prefix, whichever schema writes or reads them.
    return f"platform:studio-usage:{schema_name}"


def usage_snapshot_measure() -> UsageSnapshot:
    """Every registered usage counter of the studio whose schema is active."""
    schema_name = current_schema()
    if schema_name == get_public_schema_name():
        raise NotInStudioSchemaError("usage is measured in a studio's schema, not on public")
    # Loaded, not taken from connection.tenant: schema_context() activates a stand-in without
    # the studio's fields (its time zone defines "this month").
    tenant = Tenant.objects.get(schema_name=schema_name)
    now = timezone.now()
    scope = usage_scope_for(tenant, now=now)
    return UsageSnapshot(
        schema_name=schema_name,
        counts={counter.key: counter.count(scope) for counter in usage_counters()},
        measured_at=now.isoformat(),
    )


def usage_snapshot_get(*, schema_name: str) -> UsageSnapshot | None:
    """The last stored figures of a studio (None: never measured, or expired)."""
    stored = cache.get(usage_snapshot_cache_key(schema_name))
    return UsageSnapshot(**stored) if isinstance(stored, dict) else None


@shared_task
def studio_usage_snapshot() -> dict[str, Any]:
    """Measure the studio this task was sent from and store the figures (idempotent)."""
    snapshot = usage_snapshot_measure()
    figures = asdict(snapshot)
    cache.set(usage_snapshot_cache_key(snapshot.schema_name), figures, USAGE_SNAPSHOT_TTL_SECONDS)
    logger.info("studio usage measured", extra={"counts": snapshot.counts})
    return figures


@shared_task
def studio_usage_snapshot_all() -> int:
    """Send one `studio_usage_snapshot` per studio in use; returns how many were sent."""
    return fan_out_to_studios(studio_usage_snapshot)
