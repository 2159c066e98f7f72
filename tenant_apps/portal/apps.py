from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer portal: magic-link sign-in, the customer's bookings, profile and data."""

    name = "tenant_apps.portal"
    label = "portal"
