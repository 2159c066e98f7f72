"""REST API v1 on a studio's host (included at /api/v1/ by config/urls_tenant.py)."""

from django.urls import path

from tenant_apps.studio.api import ApiRootApi, StudioProfileApi

app_name = "api"
urlpatterns = [
    path("", ApiRootApi.as_view(), name="root"),
    path("studio/", StudioProfileApi.as_view(), name="studio"),
]
