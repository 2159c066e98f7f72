"""API serializers of customers and their booking history (unique names: OpenAPI components)."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment


class CustomerInputSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        max_length=50,
        help_text="Free labels such as vip or prenatal (repeats and blanks are dropped).",
    )

    class Meta:
        model = Customer
        fields = ["full_name", "email", "phone", "notes", "tags", "marketing_consent"]
        extra_kwargs = {
            "email": {"help_text": "Unique in the studio, whatever its case."},
        }


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "notes",
            "tags",
            "marketing_consent",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerAppointmentSerializer(serializers.ModelSerializer):
    """One booking in a customer's history."""

    service_name = serializers.CharField(source="service.name", read_only=True)
    staff_name = serializers.CharField(source="staff.display_name", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "reference",
            "status",
            "source",
            "start",
            "end",
            "service",
            "service_name",
            "staff",
            "staff_name",
            "price",
            "currency",
            "customer_note",
            "status_reason",
            "created_at",
        ]
        read_only_fields = fields
