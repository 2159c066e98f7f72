"""The owner app shell on a studio's host (included at "" by config/urls_tenant.py)."""

from django.urls import path

from tenant_apps.studio import views

app_name = "studio"
urlpatterns = [
    path("", views.studio_home, name="home"),
    path("app/", views.dashboard, name="dashboard"),
    path("app/settings/", views.studio_settings, name="settings"),
]
