"""Owner-app and public pages of resources (included at "" on a studio's host, so they name their
full paths)."""

from django.urls import URLPattern, URLResolver

app_name = "resources"
urlpatterns: list[URLPattern | URLResolver] = []
