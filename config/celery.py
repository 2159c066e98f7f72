"""The Celery app. Tenant-aware: a task runs in the schema it was sent from (see
tenants.task_context for work sent after commit, from beat or from commands)."""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = TenantAwareCeleryApp("studiobook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
