"""/api/v1/public/ on studio hosts: the public booking API (no sign-in).

Each route answers with and without its trailing slash; only the canonical form (with the slash)
appears in the OpenAPI schema.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tenant_apps.scheduling.api_urls import routes
from tenant_apps.scheduling.public_api import (
    PublicBookingCreateApi,
    PublicBookingDetailApi,
    PublicBookingIcsApi,
    PublicServiceListApi,
    PublicSlotListApi,
    PublicStaffListApi,
)

BOOKING = "bookings/<str:reference>"

urlpatterns: list[URLPattern | URLResolver] = [
    *routes("services", PublicServiceListApi, "public-service-list"),
    *routes("staff", PublicStaffListApi, "public-staff-list"),
    *routes("slots", PublicSlotListApi, "public-slot-list"),
    *routes("bookings", PublicBookingCreateApi, "public-booking-create"),
    path(f"{BOOKING}.ics", PublicBookingIcsApi.as_view(), name="public-booking-ics"),
    *routes(BOOKING, PublicBookingDetailApi, "public-booking-detail"),
]
