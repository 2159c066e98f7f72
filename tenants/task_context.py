"""Tenancy for background work.

tenant-schemas-celery reads the schema from the active connection when a task is *sent*. Work
enqueued from `transaction.on_commit`, beat or a command is sent after the tenant context has
gone, so the schema must be captured now and passed explicitly (stack notes, section 4).
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction

from tenants.db import current_schema


def enqueue_on_commit(
    task: Task, *args: Any, schema_name: str | None = None, **kwargs: Any
) -> None:
    """Send `task` after the current transaction commits, in the schema active now (or the one
    given). Nothing is sent if the transaction rolls back."""
    schema = schema_name or current_schema()

    def send() -> None:
        task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema})

    transaction.on_commit(send)


def enqueue_in_schema(task: Task, *args: Any, schema_name: str, **kwargs: Any) -> None:
    """Send `task` now, to run in `schema_name` (fan-out from beat and commands)."""
    task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})


def fan_out_to_studios(task: Task, *args: Any, **kwargs: Any) -> int:
    """Beat jobs: send `task` once per studio in use (not suspended, cancelled or still being
    provisioned), each running in that studio's schema. Returns how many were sent."""
    from django_tenants.utils import get_public_schema_name

    from tenants.models import BLOCKED_STATUSES, Tenant, TenantStatus

    skipped = {*BLOCKED_STATUSES, TenantStatus.PROVISIONING}
    schema_names = list(
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .exclude(status__in=skipped)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    for schema_name in schema_names:
        enqueue_in_schema(task, *args, schema_name=schema_name, **kwargs)
    return len(schema_names)
