"""Routes of notifications (filled in by the app)."""

from django.urls import URLPattern, URLResolver

app_name = "notifications"
urlpatterns: list[URLPattern | URLResolver] = []
