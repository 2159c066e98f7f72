"""/api/v1/ routes of resources: rooms and equipment, and their reservations."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from tenant_apps.resources.api import ReservationListApi, ResourceViewSet

router = SimpleRouter()
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("reservations/", ReservationListApi.as_view(), name="reservation-list"),
]
