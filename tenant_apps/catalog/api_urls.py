"""/api/v1/ routes of the catalog: services, staff members, booking pages."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from tenant_apps.catalog.api import BookingPageViewSet, ServiceViewSet, StaffMemberViewSet

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")
router.register("staff", StaffMemberViewSet, basename="staff-member")
router.register("booking-pages", BookingPageViewSet, basename="booking-page")

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
