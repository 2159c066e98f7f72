"""Reports under /app/reports/."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("appointments.csv", views.export_appointments, name="export_appointments"),
    path("<slug:table>.csv", views.export_table, name="export_table"),
]
