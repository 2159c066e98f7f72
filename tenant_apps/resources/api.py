"""Owner-side REST API of rooms and equipment, and the reservations that hold them.

Every member of the studio reads; owners and managers write (tenant_apps.api.permissions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from tenant_apps.api.permissions import IsStudioMember
from tenant_apps.catalog.api import (
    READ_ERRORS,
    OwnerApiPagination,
    StudioResourceViewSet,
    crud_schema,
    request_tenant,
)
from tenant_apps.catalog.serializers import input_validate
from tenant_apps.resources import selectors, services
from tenant_apps.resources.filters import ResourceFilter
from tenant_apps.resources.models import Reservation
from tenant_apps.resources.serializers import (
    ReservationRangeQuerySerializer,
    ReservationSerializer,
    ResourceInputSerializer,
    ResourceSerializer,
)
from tenant_apps.scheduling.selectors import zone_or_utc


@crud_schema(
    tag="resources",
    noun="resource",
    input_serializer=ResourceInputSerializer,
    output_serializer=ResourceSerializer,
    delete_conflict="resource_in_use: bookings, services or class types use it (deactivate "
    "it instead)",
)
class ResourceViewSet(StudioResourceViewSet):
    """Rooms and equipment; a quantity is a pool of identical numbered units."""

    input_serializer = ResourceInputSerializer
    output_serializer = ResourceSerializer
    filterset_class = ResourceFilter
    ordering_fields = ["name", "kind", "quantity", "created_at", "id"]
    ordering = ["kind", "name", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.resource_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.resource_get(resource_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.resource_create(data=data, now=timezone.now())

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.resource_update(resource=obj, data=data, now=timezone.now())

    def object_delete(self, obj: Any) -> None:
        services.resource_delete(resource=obj)


class ReservationListApi(generics.GenericAPIView):
    permission_classes = [IsStudioMember]
    pagination_class = OwnerApiPagination
    queryset = Reservation.objects.none()
    serializer_class = ReservationSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["start", "end", "resource", "unit", "id"]
    ordering = ["start", "resource", "unit", "id"]

    def get_queryset(self) -> QuerySet[Reservation]:
        if getattr(self, "swagger_fake_view", False):
            return Reservation.objects.none()
        zone = zone_or_utc(request_tenant(self.request).timezone)
        query = input_validate(
            ReservationRangeQuerySerializer, self.request.query_params, context={"zone": zone}
        )
        return selectors.reservation_list(
            start=query["start"], end=query["end"], resource_id=query.get("resource")
        )

    @extend_schema(
        operation_id="reservations_list",
        summary="Reservations in a range",
        description="Units of rooms and equipment held by appointments and class sessions "
        "over [start, end) (at most 92 days), active ones only. Dates are whole days in the "
        "studio's timezone, end day included.",
        parameters=[ReservationRangeQuerySerializer],
        responses={200: ReservationSerializer(many=True), **READ_ERRORS},
        tags=["resources"],
    )
    def get(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
