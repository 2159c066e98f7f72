"""What a service needs of the studio's rooms and equipment, as the service API shows and takes
it (kept apart from resources.serializers so the catalog's serializers can use it)."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.resources.models import ServiceResourceNeed

MAX_ID = 2**63 - 1  # ids are bigint


class ServiceResourceNeedSerializer(serializers.ModelSerializer):
    """One booking of the service holds `quantity` units of `resource`."""

    resource_name = serializers.CharField(source="resource.name", read_only=True)

    class Meta:
        model = ServiceResourceNeed
        fields = ["resource", "resource_name", "quantity"]
        read_only_fields = fields


class ServiceResourceNeedInputSerializer(serializers.Serializer):
    resource = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of an active resource."
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=10_000, default=1, help_text="Units one booking holds."
    )
