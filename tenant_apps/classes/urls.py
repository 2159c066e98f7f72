"""Owner-app and public pages of classes (included at "" on a studio's host, so they name their
full paths)."""

from django.urls import URLPattern, URLResolver

app_name = "classes"
urlpatterns: list[URLPattern | URLResolver] = []
