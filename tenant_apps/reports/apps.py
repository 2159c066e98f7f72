from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The owner dashboard's figures and reports: database aggregates, charts and CSV exports."""

    name = "tenant_apps.reports"
    label = "reports"
