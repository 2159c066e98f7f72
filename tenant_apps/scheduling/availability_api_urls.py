"""/api/v1/ routes of availability rules: weekly hours, date overrides and time off."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from tenant_apps.scheduling.availability_api import (
    DateOverrideDayApi,
    DateOverrideListApi,
    StaffTimeOffApi,
    TimeOffViewSet,
    WeeklyHoursApi,
    WeeklyHoursRowApi,
)

router = SimpleRouter()
router.register("time-off", TimeOffViewSet, basename="time-off")

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/<int:staff_id>/weekly-hours/", WeeklyHoursApi.as_view(), name="staff-weekly-hours"),
    path(
        "staff/<int:staff_id>/weekly-hours/<int:row_id>/",
        WeeklyHoursRowApi.as_view(),
        name="staff-weekly-hours-row",
    ),
    path(
        "staff/<int:staff_id>/date-overrides/",
        DateOverrideListApi.as_view(),
        name="staff-date-overrides",
    ),
    path(
        "staff/<int:staff_id>/date-overrides/<str:date>/",
        DateOverrideDayApi.as_view(),
        name="staff-date-override-day",
    ),
    path("staff/<int:staff_id>/time-off/", StaffTimeOffApi.as_view(), name="staff-time-off"),
    *router.urls,
]
