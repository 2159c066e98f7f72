"""Owner-side REST API of the catalog: services, staff members and booking pages.

Every member of the studio reads; owners and managers write (tenant_apps.api.permissions).
Views parse the input, call one selector or service, and serialize; the rules are in
catalog.services. `StudioResourceViewSet` is the shared shape of a CRUD resource of the owner
API (also used by customers and time off).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from tenant_apps.api.permissions import ManagersWriteMembersRead
from tenant_apps.catalog import selectors, services
from tenant_apps.catalog.filters import BookingPageFilter, ServiceFilter, StaffMemberFilter
from tenant_apps.catalog.serializers import (
    BookingPageInputSerializer,
    BookingPageSerializer,
    ServiceInputSerializer,
    ServiceSerializer,
    StaffMemberInputSerializer,
    StaffMemberSerializer,
    input_validate,
)
from tenant_apps.studio.serializers import ProblemSerializer
from tenants.models import Tenant

READ_ERRORS: dict[int | str, Any] = {
    403: OpenApiResponse(ProblemSerializer, description="Not signed in"),
    404: OpenApiResponse(ProblemSerializer, description="Not found, or not a member"),
}
WRITE_ERRORS: dict[int | str, Any] = {
    **READ_ERRORS,
    403: OpenApiResponse(ProblemSerializer, description="Not signed in, or a staff-role member"),
    422: OpenApiResponse(ProblemSerializer, description="Invalid fields (see errors)"),
}


class OwnerApiPagination(LimitOffsetPagination):
    """limit/offset pages of 50 by default (settings), at most 200 per request."""

    max_limit = 200


def request_tenant(request: Request) -> Tenant:
    """The studio whose host the request came to (set by django-tenants' middleware)."""
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def crud_schema(
    *,
    tag: str,
    noun: str,
    input_serializer: type[serializers.BaseSerializer],
    output_serializer: type[serializers.BaseSerializer],
    write_conflict: str | None = None,
    delete_conflict: str | None = None,
) -> Callable[[type], type]:
    """The OpenAPI description of a StudioResourceViewSet's six operations."""
    write_errors = dict(WRITE_ERRORS)
    if write_conflict:
        write_errors[409] = OpenApiResponse(ProblemSerializer, description=write_conflict)
    delete_errors = dict(READ_ERRORS)
    if delete_conflict:
        delete_errors[409] = OpenApiResponse(ProblemSerializer, description=delete_conflict)
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s",
            responses={200: output_serializer(many=True), **READ_ERRORS},
            tags=[tag],
        ),
        retrieve=extend_schema(
            summary=f"Get a {noun}", responses={200: output_serializer, **READ_ERRORS}, tags=[tag]
        ),
        create=extend_schema(
            summary=f"Create a {noun}",
            request=input_serializer,
            responses={201: output_serializer, **write_errors},
            tags=[tag],
        ),
        update=extend_schema(
            summary=f"Replace a {noun}",
            request=input_serializer,
            responses={200: output_serializer, **write_errors},
            tags=[tag],
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            request=input_serializer,
            responses={200: output_serializer, **write_errors},
            tags=[tag],
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            responses={204: None, **delete_errors},
            tags=[tag],
        ),
    )


class StudioResourceViewSet(viewsets.GenericViewSet):
    """List, retrieve, create, replace, change and delete one kind of studio object. Subclasses
    name the serializers and bind the selectors and services; nothing else happens here."""

    permission_classes = [ManagersWriteMembersRead]
    pagination_class = OwnerApiPagination
    lookup_value_regex = r"[0-9]+"
    input_serializer: type[serializers.BaseSerializer]
    output_serializer: type[serializers.BaseSerializer]

    # --- bindings ---
    def object_list(self) -> QuerySet[Any]:
        raise NotImplementedError

    def object_get(self, object_id: int) -> models.Model:
        raise NotImplementedError

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        raise NotImplementedError

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        raise NotImplementedError

    def object_delete(self, obj: Any) -> None:
        raise NotImplementedError

    # --- plumbing ---
    def get_queryset(self) -> QuerySet[Any]:
        return self.object_list()

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return self.output_serializer

    def _output(self, obj: models.Model) -> dict[str, Any]:
        data: dict[str, Any] = self.output_serializer(
            obj, context=self.get_serializer_context()
        ).data
        return data

    def _write(self, request: Request, pk: str, *, partial: bool) -> Response:
        obj = self.object_get(int(pk))
        data = input_validate(self.input_serializer, request.data, partial=partial)
        self.object_update(obj, data)
        return Response(self._output(self.object_get(obj.pk)))

    # --- operations ---
    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.output_serializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._output(self.object_get(int(pk))))

    def create(self, request: Request) -> Response:
        data = input_validate(self.input_serializer, request.data)
        obj = self.object_create(data)
        return Response(self._output(self.object_get(obj.pk)), status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        self.object_delete(self.object_get(int(pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)


@crud_schema(
    tag="services",
    noun="service",
    input_serializer=ServiceInputSerializer,
    output_serializer=ServiceSerializer,
    delete_conflict="service_in_use: it has appointments (deactivate it instead)",
)
class ServiceViewSet(StudioResourceViewSet):
    input_serializer = ServiceInputSerializer
    output_serializer = ServiceSerializer
    filterset_class = ServiceFilter
    ordering_fields = ["name", "category", "price", "duration_minutes", "created_at", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.service_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.service_get(service_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.service_create(tenant=request_tenant(self.request), data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.service_update(service=obj, data=data)

    def object_delete(self, obj: Any) -> None:
        services.service_delete(service=obj)


@crud_schema(
    tag="staff",
    noun="staff member",
    input_serializer=StaffMemberInputSerializer,
    output_serializer=StaffMemberSerializer,
    write_conflict="staff_user_taken: the user is linked to another staff profile",
    delete_conflict="staff_in_use: they have appointments (make them not bookable instead)",
)
class StaffMemberViewSet(StudioResourceViewSet):
    input_serializer = StaffMemberInputSerializer
    output_serializer = StaffMemberSerializer
    filterset_class = StaffMemberFilter
    ordering_fields = ["display_name", "email", "created_at", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.staff_member_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.staff_member_get(staff_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.staff_member_create(tenant=request_tenant(self.request), data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.staff_member_update(
            tenant=request_tenant(self.request), staff=obj, data=data
        )

    def object_delete(self, obj: Any) -> None:
        services.staff_member_delete(staff=obj)


@crud_schema(
    tag="booking-pages",
    noun="booking page",
    input_serializer=BookingPageInputSerializer,
    output_serializer=BookingPageSerializer,
    write_conflict="booking_page_slug_taken: another page uses this slug",
)
class BookingPageViewSet(StudioResourceViewSet):
    input_serializer = BookingPageInputSerializer
    output_serializer = BookingPageSerializer
    filterset_class = BookingPageFilter
    ordering_fields = ["title", "slug", "created_at", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.booking_page_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.booking_page_get(page_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.booking_page_create(data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.booking_page_update(page=obj, data=data)

    def object_delete(self, obj: Any) -> None:
        services.booking_page_delete(page=obj)
