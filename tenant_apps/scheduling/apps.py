from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Availability (weekly hours, date overrides, time off), appointments and their log."""

    name = "tenant_apps.scheduling"
    label = "scheduling"
