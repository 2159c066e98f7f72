"""Background work of classes. The housekeeping beat job fans out per studio; each task runs in
one studio's schema (tenants.task_context)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenant_apps.classes.services import waitlist_housekeeping
from tenants.task_context import fan_out_to_studios


@shared_task(name="classes.waitlist_housekeeping", ignore_result=True)
def waitlist_housekeeping_task() -> dict[str, int]:
    """In one studio: lapse offers whose claim window passed (handing the seat on) and fill
    seats that are free while people wait."""
    return waitlist_housekeeping(now=timezone.now())


@shared_task(name="classes.waitlist_housekeeping_all", ignore_result=True)
def waitlist_housekeeping_all() -> int:
    """Beat, every minute."""
    return fan_out_to_studios(waitlist_housekeeping_task)
