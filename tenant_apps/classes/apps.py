from django.apps import AppConfig


class ClassesConfig(AppConfig):
    """Group classes: class types, sessions and series, enrollments, waitlists, attendance."""

    name = "tenant_apps.classes"
    label = "classes"
