"""REST API of credit packages: products (CRUD), customers' packages (list, sell, adjust, the
ledger), and the public catalogue of products.

Every member of the studio reads; owners and managers write (tenant_apps.api.permissions).
Views parse the input, call one selector or service, and serialize; the rules are in
packages.services. Ids of other studios are not found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.errors import NotFoundError, ValidationFailedError
from tenant_apps.api.permissions import IsStudioMember, ManagersWriteMembersRead
from tenant_apps.catalog.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    OwnerApiPagination,
    StudioResourceViewSet,
    crud_schema,
    request_tenant,
)
from tenant_apps.catalog.serializers import input_validate
from tenant_apps.customers import selectors as customer_selectors
from tenant_apps.packages import selectors, services
from tenant_apps.packages.filters import CustomerPackageFilter, PackageProductFilter
from tenant_apps.packages.models import PackageProduct
from tenant_apps.packages.serializers import (
    CreditAdjustInputSerializer,
    CreditEntrySerializer,
    CustomerCreditsQuerySerializer,
    CustomerCreditsSerializer,
    CustomerPackageSellInputSerializer,
    CustomerPackageSerializer,
    PackageProductInputSerializer,
    PackageProductSerializer,
    PublicPackageProductSerializer,
)
from tenant_apps.scheduling.api import request_actor
from tenant_apps.scheduling.public_api import PROBLEMS, PublicApiView
from tenant_apps.studio.serializers import ProblemSerializer

INSUFFICIENT = OpenApiResponse(
    ProblemSerializer, description="insufficient_credits: more than the balance would be taken"
)


@crud_schema(
    tag="packages",
    noun="package product",
    input_serializer=PackageProductInputSerializer,
    output_serializer=PackageProductSerializer,
    delete_conflict="product_in_use: customers hold it (make it inactive instead)",
)
class PackageProductViewSet(StudioResourceViewSet):
    input_serializer = PackageProductInputSerializer
    output_serializer = PackageProductSerializer
    filterset_class = PackageProductFilter
    ordering_fields = ["name", "price", "credits", "validity_days", "created_at", "id"]
    ordering = ["name", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.package_product_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.package_product_get(product_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.package_product_create(tenant=request_tenant(self.request), data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.package_product_update(product=obj, data=data)

    def object_delete(self, obj: Any) -> None:
        services.package_product_delete(product=obj)


@extend_schema_view(
    list=extend_schema(
        summary="List customers' packages",
        description="The newest purchases first.",
        responses={200: CustomerPackageSerializer(many=True), **READ_ERRORS},
        tags=["packages"],
    ),
    retrieve=extend_schema(
        summary="Get a customer's package",
        responses={200: CustomerPackageSerializer, **READ_ERRORS},
        tags=["packages"],
    ),
    create=extend_schema(
        summary="Sell a package at the desk",
        description=(
            "Records the sale (how it was paid, what was paid) and the purchase in the ledger. "
            "Online sales are recorded by the payments capability, not here."
        ),
        request=CustomerPackageSellInputSerializer,
        responses={
            201: CustomerPackageSerializer,
            **WRITE_ERRORS,
            409: OpenApiResponse(
                ProblemSerializer, description="product_inactive: the product is not on sale"
            ),
        },
        tags=["packages"],
    ),
)
class CustomerPackageViewSet(viewsets.GenericViewSet):
    permission_classes = [ManagersWriteMembersRead]
    pagination_class = OwnerApiPagination
    lookup_value_regex = r"[0-9]+"
    serializer_class = CustomerPackageSerializer
    filterset_class = CustomerPackageFilter
    ordering_fields = ["purchased_at", "expires_at", "balance", "id"]
    ordering = ["-purchased_at", "-id"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.customer_package_list(now=timezone.now())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _output(self, package: Any) -> dict[str, Any]:
        data: dict[str, Any] = CustomerPackageSerializer(
            package, context=self.get_serializer_context()
        ).data
        return data

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = CustomerPackageSerializer(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._output(selectors.customer_package_get(package_id=int(pk))))

    def create(self, request: Request) -> Response:
        data = input_validate(CustomerPackageSellInputSerializer, request.data)
        try:
            customer = customer_selectors.customer_get(customer_id=data["customer"])
        except NotFoundError as exc:
            raise ValidationFailedError(
                "Check the fields listed in errors.", errors={"customer": [exc.detail]}
            ) from exc
        product = PackageProduct.objects.filter(pk=data["product"]).first()
        if product is None:
            raise ValidationFailedError(
                "Check the fields listed in errors.",
                errors={"product": ["No such package product in this studio."]},
            )
        package = services.package_sell(
            customer=customer,
            product=product,
            sale_method=data["sale_method"],
            price_paid=data.get("price_paid"),
            actor=request_actor(request),
            now=timezone.now(),
        )
        return Response(
            self._output(selectors.customer_package_get(package_id=package.pk)),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Adjust a package's credits",
        description="A manual correction with its reason; the new ledger entry is returned.",
        request=CreditAdjustInputSerializer,
        responses={201: CreditEntrySerializer, **WRITE_ERRORS, 409: INSUFFICIENT},
        tags=["packages"],
    )
    @action(detail=True, methods=["post"], url_path="adjust", filter_backends=[])
    def adjust(self, request: Request, pk: str) -> Response:
        package = selectors.customer_package_get(package_id=int(pk))
        data = input_validate(CreditAdjustInputSerializer, request.data)
        entry = services.credits_adjust(
            package=package,
            amount=data["amount"],
            reason=data["reason"],
            actor=request_actor(request),
            now=timezone.now(),
        )
        return Response(CreditEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A package's ledger",
        description="Every movement of its credits, oldest first, with the balance after each.",
        responses={200: CreditEntrySerializer(many=True), **READ_ERRORS},
        tags=["packages"],
    )
    @action(detail=True, methods=["get"], url_path="entries", filter_backends=[])
    def entries(self, request: Request, pk: str) -> Response:
        package = selectors.customer_package_get(package_id=int(pk))
        page = self.paginate_queryset(selectors.credit_entry_list(package=package))
        return self.get_paginated_response(CreditEntrySerializer(page, many=True).data)


class CustomerCreditsApi(APIView):
    """What a customer's credits can pay for: the owner app asks before it offers to book
    with a credit."""

    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="customer_credits_retrieve",
        summary="A customer's credits for a service or a class type",
        description=(
            "The customer's packages that pay for the service (or class type) now: covering "
            "it, not expired, credits left; the one a booking paid with credits would draw from "
            "first. `available` is their credits together."
        ),
        parameters=[
            OpenApiParameter("customer_id", int, OpenApiParameter.PATH),
            CustomerCreditsQuerySerializer,
        ],
        responses={
            200: CustomerCreditsSerializer,
            **READ_ERRORS,
            422: OpenApiResponse(ProblemSerializer, description="Invalid fields (see errors)"),
        },
        tags=["packages"],
    )
    def get(self, request: Request, customer_id: int) -> Response:
        customer = customer_selectors.customer_get(customer_id=customer_id)
        query = input_validate(CustomerCreditsQuerySerializer, request.query_params)
        packages = selectors.credits_available_for(
            customer=customer,
            service=query.get("service"),
            class_type=query.get("class_type"),
            now=timezone.now(),
        )
        data = {"available": sum(p.balance for p in packages), "packages": packages}
        return Response(CustomerCreditsSerializer(data).data)


class PublicPackageProductListApi(PublicApiView, generics.ListAPIView):
    serializer_class = PublicPackageProductSerializer
    queryset = PackageProduct.objects.none()
    filterset_fields = ["sold_online"]
    ordering_fields = ["name", "price", "credits"]
    ordering = ["price", "name", "id"]

    def get_queryset(self) -> QuerySet[PackageProduct]:
        return selectors.public_package_product_list()

    @extend_schema(
        operation_id="public_package_products_list",
        summary="Credit packages on sale",
        description="What the studio sells: credits, price, validity and what they pay for.",
        responses={200: PublicPackageProductSerializer(many=True), **PROBLEMS},
        tags=["public booking"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
