from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    """Rooms and equipment with a quantity, and the reservations that hold them."""

    name = "tenant_apps.resources"
    label = "resources"
