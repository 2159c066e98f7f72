"""The Celery app. Tenant-aware: a task runs in the schema it was sent from (see
tenants.task_context for work sent after commit, from beat or from commands)."""

import os
from typing import Any

from celery.signals import worker_process_shutdown
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = TenantAwareCeleryApp("studiobook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_shutdown.connect
def _flush_calendar_events(**_: Any) -> None:
    """Prefork children end with os._exit (no atexit): send the calendar events a task queued
    in its last moments before the child goes."""
    # Imported here: the realtime package needs Django's settings, loaded after this module.
    from realtime.delivery import calendar_publisher_flush

    calendar_publisher_flush(timeout=5.0)
