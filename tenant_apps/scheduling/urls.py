"""Owner-app pages of scheduling under /app/ (filled in by the app)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.scheduling import owner_views
from tenant_apps.scheduling import views as calendar_views

app_name = "scheduling"
urlpatterns: list[URLPattern | URLResolver] = [
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/shading/", calendar_views.calendar_shading, name="calendar_shading"),
    path(
        "calendar/reservations/",
        calendar_views.calendar_reservations,
        name="calendar_reservations",
    ),
    path("calendar/classes/", calendar_views.calendar_classes, name="calendar_classes"),
    path("appointments/", owner_views.appointment_list, name="appointment_list"),
    path("approvals/", owner_views.approval_queue, name="approval_queue"),
    path(
        "approvals/<int:appointment_id>/confirm/",
        owner_views.approval_confirm,
        name="approval_confirm",
    ),
    path(
        "approvals/<int:appointment_id>/reject/",
        owner_views.approval_reject,
        name="approval_reject",
    ),
]
