"""Owner-app pages of catalog under /app/: services, staff and booking pages."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.catalog import views

app_name = "catalog"
urlpatterns: list[URLPattern | URLResolver] = [
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:service_id>/", views.service_edit, name="service_edit"),
    path("services/<int:service_id>/archive/", views.service_archive, name="service_archive"),
    path("services/<int:service_id>/delete/", views.service_delete, name="service_delete"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:staff_id>/delete/", views.staff_delete, name="staff_delete"),
    path("staff/<int:staff_id>/hours/", views.staff_hours, name="staff_hours"),
    path("staff/<int:staff_id>/overrides/", views.staff_overrides, name="staff_overrides"),
    path(
        "staff/<int:staff_id>/overrides/<str:day>/delete/",
        views.staff_override_delete,
        name="staff_override_delete",
    ),
    path("staff/<int:staff_id>/time-off/", views.staff_time_off, name="staff_time_off"),
    path(
        "staff/<int:staff_id>/time-off/<int:time_off_id>/",
        views.staff_time_off_edit,
        name="staff_time_off_edit",
    ),
    path(
        "staff/<int:staff_id>/time-off/<int:time_off_id>/delete/",
        views.staff_time_off_delete,
        name="staff_time_off_delete",
    ),
    path("booking-pages/", views.booking_page_list, name="booking_page_list"),
    path("booking-pages/new/", views.booking_page_create, name="booking_page_create"),
    path("booking-pages/<int:page_id>/", views.booking_page_edit, name="booking_page_edit"),
    path(
        "booking-pages/<int:page_id>/delete/",
        views.booking_page_delete,
        name="booking_page_delete",
    ),
]
