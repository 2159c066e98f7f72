"""/api/v1/appointments/ on studio hosts (owner side).

Each route answers with and without its trailing slash; only the canonical form (with the slash)
appears in the OpenAPI schema. The .ics file has its own suffix form as well.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.views import APIView

from tenant_apps.scheduling.api import (
    AppointmentActivityListApi,
    AppointmentCancelApi,
    AppointmentDetailApi,
    AppointmentIcsApi,
    AppointmentListCreateApi,
    AppointmentRescheduleApi,
    AppointmentStatusApi,
)


def routes(route: str, view: type[APIView], name: str) -> list[URLPattern]:
    """`route/` (in the schema) and `route` (an alias that is left out of it)."""
    return [
        path(f"{route}/", view.as_view(), name=name),
        path(route, view.as_view(schema=None)),
    ]


ONE = "appointments/<int:appointment_id>"

urlpatterns: list[URLPattern | URLResolver] = [
    *routes("appointments", AppointmentListCreateApi, "appointment-list"),
    *routes(ONE, AppointmentDetailApi, "appointment-detail"),
    *routes(f"{ONE}/reschedule", AppointmentRescheduleApi, "appointment-reschedule"),
    *routes(f"{ONE}/status", AppointmentStatusApi, "appointment-status"),
    *routes(f"{ONE}/cancel", AppointmentCancelApi, "appointment-cancel"),
    *routes(f"{ONE}/activity", AppointmentActivityListApi, "appointment-activity"),
    path(f"{ONE}.ics", AppointmentIcsApi.as_view(), name="appointment-ics"),
    *[
        path(route, AppointmentIcsApi.as_view(schema=None))
        for route in (f"{ONE}/ics/", f"{ONE}/ics")
    ],
]
