"""Owner-app pages of resources (included at "" on a studio's host, so they name their full
paths)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.resources import views

app_name = "resources"
urlpatterns: list[URLPattern | URLResolver] = [
    path("app/resources/", views.resource_list, name="resource_list"),
    path("app/resources/new/", views.resource_create, name="resource_create"),
    path("app/resources/<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path(
        "app/resources/<int:resource_id>/deactivate/",
        views.resource_deactivate,
        name="resource_deactivate",
    ),
]
