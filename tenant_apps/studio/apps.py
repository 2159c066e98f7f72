from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The owner app shell (/app/): layout, dashboard, studio settings, studio switcher."""

    name = "tenant_apps.studio"
    label = "studio"
