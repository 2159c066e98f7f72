"""Owner-side REST API of customers: CRUD and a customer's booking history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tenant_apps.catalog.api import READ_ERRORS, StudioResourceViewSet, crud_schema
from tenant_apps.customers import selectors, services
from tenant_apps.customers.filters import CustomerFilter
from tenant_apps.customers.serializers import (
    CustomerAppointmentSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
)


@crud_schema(
    tag="customers",
    noun="customer",
    input_serializer=CustomerInputSerializer,
    output_serializer=CustomerSerializer,
    write_conflict="customer_email_taken: another customer has this email address",
    delete_conflict="customer_in_use: the customer has appointments",
)
class CustomerViewSet(StudioResourceViewSet):
    input_serializer = CustomerInputSerializer
    output_serializer = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["full_name", "email", "created_at", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.customer_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.customer_get(customer_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.customer_create(data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.customer_update(customer=obj, data=data)

    def object_delete(self, obj: Any) -> None:
        services.customer_delete(customer=obj)

    @extend_schema(
        summary="A customer's booking history",
        description="Every appointment of the customer, whatever its status, the newest first.",
        responses={200: CustomerAppointmentSerializer(many=True), **READ_ERRORS},
        tags=["customers"],
    )
    @action(detail=True, methods=["get"], url_path="appointments", filter_backends=[])
    def appointments(self, request: Request, pk: str) -> Response:
        customer = selectors.customer_get(customer_id=int(pk))
        page = self.paginate_queryset(selectors.customer_appointment_list(customer=customer))
        serializer = CustomerAppointmentSerializer(page, many=True)
        return self.get_paginated_response(serializer.data)
