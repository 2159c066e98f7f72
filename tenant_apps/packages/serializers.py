"""API serializers of credit packages (products, customers' packages, the ledger, the public
catalogue of products).

Input serializers only check shapes and bounds; the rules live in packages.services. Output
serializers are read-only. Names are unique across the API (they become OpenAPI components).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.catalog.models import Service
from tenant_apps.catalog.serializers import MAX_ID, SortedIdsField, id_list_field
from tenant_apps.classes.models import ClassType
from tenant_apps.packages.models import CreditEntry, CustomerPackage, PackageProduct, SaleMethod
from tenant_apps.packages.services import (
    DESK_SALE_METHODS,
    MAX_CREDITS,
    PRODUCT_FIELDS,
    package_is_usable,
)

# --- products ------------------------------------------------------------------------------


class PackageProductInputSerializer(serializers.ModelSerializer):
    services = id_list_field(help_text="Ids of the services its credits pay for.")
    class_types = id_list_field(help_text="Ids of the class types its credits pay for.")

    class Meta:
        model = PackageProduct
        fields = [*PRODUCT_FIELDS, "services", "class_types"]
        extra_kwargs = {
            "currency": {
                "required": False,
                "min_length": 3,
                "help_text": "ISO 4217 code; the studio's currency when left out.",
            },
            "price": {"min_value": 0},
            "credits": {"min_value": 1, "max_value": MAX_CREDITS},
            "validity_days": {"min_value": 1, "help_text": "How long the credits stay valid."},
            "validity_from": {
                "help_text": "When the validity starts: at the purchase or at the first use."
            },
            "sold_online": {
                "help_text": "Offered for online purchase once the studio takes payments."
            },
        }


class PackageProductSerializer(serializers.ModelSerializer):
    services = SortedIdsField(help_text="Ids of the services its credits pay for.")
    class_types = SortedIdsField(help_text="Ids of the class types its credits pay for.")

    class Meta:
        model = PackageProduct
        fields = ["id", *PRODUCT_FIELDS, "services", "class_types", "created_at", "updated_at"]
        read_only_fields = fields


class PublicCoveredItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PublicPackageProductSerializer(serializers.ModelSerializer):
    """A product as the studio offers it to customers (no sales figures, nothing internal)."""

    services = PublicCoveredItemSerializer(many=True, read_only=True)
    class_types = PublicCoveredItemSerializer(many=True, read_only=True)

    class Meta:
        model = PackageProduct
        fields = [
            "id",
            "name",
            "description",
            "credits",
            "price",
            "currency",
            "validity_days",
            "validity_from",
            "services",
            "class_types",
            "sold_online",
        ]
        read_only_fields = fields


# --- customers' packages -------------------------------------------------------------------


class CustomerPackageSellInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Customer id.")
    product = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Package product id (on sale)."
    )
    sale_method = serializers.ChoiceField(
        choices=[
            (value, label) for value, label in SaleMethod.choices if value in DESK_SALE_METHODS
        ],
        help_text="How the customer paid at the desk (online sales come with online payments).",
    )
    price_paid = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="What the customer paid; the product's price when left out.",
    )


class CreditAdjustInputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        min_value=-MAX_CREDITS,
        max_value=MAX_CREDITS,
        help_text="Credits to add (positive) or take away (negative); not zero.",
    )
    reason = serializers.CharField(max_length=300, help_text="Why: it stays in the ledger.")


class CustomerPackageSerializer(serializers.ModelSerializer):
    usable = serializers.SerializerMethodField(
        help_text="Credits left and not expired (a first-use package never used counts)."
    )

    class Meta:
        model = CustomerPackage
        fields = [
            "id",
            "customer",
            "product",
            "name",
            "credits_total",
            "balance",
            "usable",
            "price_paid",
            "currency",
            "sale_method",
            "payment_reference",
            "sold_by_label",
            "purchased_at",
            "validity_days",
            "validity_from",
            "first_used_at",
            "expires_at",
            "expiry_warned_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_usable(self, package: CustomerPackage) -> bool:
        now = self.context["now"]
        return package.balance > 0 and package_is_usable(package, now=now)


class CreditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditEntry
        fields = [
            "id",
            "package",
            "kind",
            "amount",
            "balance_after",
            "appointment",
            "enrollment",
            "refund_of",
            "reason",
            "actor_label",
            "created_at",
        ]
        read_only_fields = fields


# --- what a customer's credits can pay for -------------------------------------------------


class CustomerCreditsQuerySerializer(serializers.Serializer):
    """?service= or ?class_type=: what the credits would pay for (exactly one)."""

    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(),
        required=False,
        help_text="A service id: the packages whose credits pay for it.",
        error_messages={
            "does_not_exist": "No such service in this studio.",
            "incorrect_type": "Use a service id (a whole number).",
        },
    )
    class_type = serializers.PrimaryKeyRelatedField(
        queryset=ClassType.objects.all(),
        required=False,
        help_text="A class type id: the packages whose credits pay for its classes.",
        error_messages={
            "does_not_exist": "No such class type in this studio.",
            "incorrect_type": "Use a class type id (a whole number).",
        },
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("service" in attrs) == ("class_type" in attrs):
            raise serializers.ValidationError(
                {"service": ["Give either service or class_type (an id)."]}
            )
        return attrs


class CustomerCreditsPackageSerializer(serializers.ModelSerializer):
    expires_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Null for a package whose validity starts at its first use (not used yet): "
        "it then runs validity_days from that use.",
    )

    class Meta:
        model = CustomerPackage
        fields = ["id", "name", "balance", "credits_total", "expires_at", "validity_days"]
        read_only_fields = fields


class CustomerCreditsSerializer(serializers.Serializer):
    available = serializers.IntegerField(
        read_only=True, help_text="Credits left in all the packages listed."
    )
    packages = CustomerCreditsPackageSerializer(
        many=True,
        read_only=True,
        help_text="Covering packages with credits left, not expired, in the order they are "
        "used: a booking paid with credits draws from the first.",
    )


def now_context(now: Any) -> dict[str, Any]:
    return {"now": now}
