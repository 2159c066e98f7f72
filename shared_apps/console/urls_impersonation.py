"""Studio-host URLs of the console: ending a support session from inside the studio.
Included by config/urls_tenant.py as path("console-session/", include(...))."""

from django.urls import path

from shared_apps.console.views_impersonation import impersonation_end_here_view

app_name = "console_session"
urlpatterns = [
    path("end/", impersonation_end_here_view, name="end"),
]
