"""Background work of credit packages: the daily expiry, fanned out per studio (each task runs
in one studio's schema, passed explicitly by tenants.task_context)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenant_apps.packages.services import expiry_warnings_queue, packages_expire
from tenants.task_context import fan_out_to_studios


@shared_task(name="packages.packages_expire", ignore_result=True)
def packages_expire_task() -> dict[str, int]:
    """In one studio: expire what is left of packages whose validity ended, then warn the
    customers whose credits end within 7 days. Both are idempotent, so a repeat or a missed
    day changes nothing but the timing."""
    now = timezone.now()
    expired = packages_expire(now=now)
    warned = expiry_warnings_queue(now=now)
    return {"expired": expired, "warned": warned}


@shared_task(name="packages.packages_expire_all", ignore_result=True)
def packages_expire_all() -> int:
    """Beat, daily."""
    return fan_out_to_studios(packages_expire_task)
