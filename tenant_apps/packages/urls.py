"""Owner-app and public pages of packages (included at "" on a studio's host, so they name their
full paths)."""

from django.urls import URLPattern, URLResolver

app_name = "packages"
urlpatterns: list[URLPattern | URLResolver] = []
