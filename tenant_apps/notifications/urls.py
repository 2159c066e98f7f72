"""Routes of notifications: the owner app's delivery log and reminder settings."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern | URLResolver] = [
    path("app/notifications/", views.delivery_log, name="delivery_log"),
]
