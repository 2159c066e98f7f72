from django.apps import AppConfig


class BookingConfig(AppConfig):
    """The studio's public pages: its home page and the booking wizard (no tables of its own)."""

    name = "tenant_apps.booking"
    label = "booking"
