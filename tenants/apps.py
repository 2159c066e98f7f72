from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Studios"

    def ready(self) -> None:
        from tenants import checks, resolution  # noqa: F401  (registers checks and cache invalidation)
