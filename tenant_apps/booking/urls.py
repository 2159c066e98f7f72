"""The booking wizard (included at "book/" by config/urls_tenant.py); the studio's home page is
served at "/" through tenant_apps.studio.views.studio_home."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.booking import views

app_name = "booking"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.book_root, name="root"),
    path("<slug:page_slug>/", views.step_service, name="service"),
    path("<slug:page_slug>/staff/", views.step_staff, name="staff"),
    path("<slug:page_slug>/time/", views.step_time, name="time"),
    path("<slug:page_slug>/details/", views.step_details, name="details"),
    path("<slug:page_slug>/done/<str:token>/", views.step_done, name="done"),
]
