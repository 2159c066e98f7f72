"""API serializers of the studio shell. Names are unique across the API (OpenAPI components)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenants.models import Tenant


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every API error is returned (application/problem+json)."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # "errors" would shadow Serializer.errors as a class attribute, so it is added here.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages per field (empty when the problem is not about fields).",
        )
        return fields


class StudioProfileSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Code of the current plan."
    )

    class Meta:
        model = Tenant
        fields = [
            "name",
            "slug",
            "timezone",
            "currency",
            "contact_email",
            "contact_phone",
            "address",
            "website",
            "status",
            "plan",
        ]
        read_only_fields = fields
