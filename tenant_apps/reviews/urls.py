"""Routes of reviews (filled in by the app)."""

from django.urls import URLPattern, URLResolver

app_name = "reviews"
urlpatterns: list[URLPattern | URLResolver] = []
