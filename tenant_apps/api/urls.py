"""/api/v1/ on studio hosts: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("tenant_apps.catalog.api_urls")),
    path("", include("tenant_apps.customers.api_urls")),
    path("", include("tenant_apps.scheduling.availability_api_urls")),
    path("", include("tenant_apps.scheduling.api_urls")),
    path("", include("tenant_apps.resources.api_urls")),
    path("", include("tenant_apps.classes.api_urls")),
    path("", include("tenant_apps.packages.api_urls")),
    path("public/", include("tenant_apps.scheduling.public_api_urls")),
]
