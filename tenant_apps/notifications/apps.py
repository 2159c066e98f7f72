from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails to customers and the studio's people: the outbox, its delivery, and reminders."""

    name = "tenant_apps.notifications"
    label = "notifications"
