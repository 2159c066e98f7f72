from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """What a studio sells and who performs it: services, staff, booking pages."""

    name = "tenant_apps.catalog"
    label = "catalog"

    def ready(self) -> None:
        from tenant_apps.catalog import integrity  # noqa: F401  (registers the receiver)
