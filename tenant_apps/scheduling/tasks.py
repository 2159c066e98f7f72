"""Background work of scheduling."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenant_apps.scheduling.idempotency import RETENTION, idempotency_records_purge
from tenants.task_context import fan_out_to_studios


@shared_task(name="scheduling.idempotency_records_purge")
def idempotency_records_purge_task() -> int:
    """In one studio's schema (sent by the fan-out below): forget old Idempotency-Key answers."""
    return idempotency_records_purge(older_than=timezone.now() - RETENTION)


@shared_task(name="scheduling.idempotency_records_purge_all")
def idempotency_records_purge_all() -> int:
    """Beat, daily: one purge per studio in use."""
    return fan_out_to_studios(idempotency_records_purge_task)
