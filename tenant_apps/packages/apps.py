from django.apps import AppConfig


class PackagesConfig(AppConfig):
    """Credit packages: products, customers' packages and the append-only credit ledger."""

    name = "tenant_apps.packages"
    label = "packages"
