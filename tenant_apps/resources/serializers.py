"""API serializers of rooms, equipment and reservations (names unique across the API: they
become OpenAPI component names)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.resources.models import Reservation, Resource
from tenant_apps.resources.need_serializers import MAX_ID
from tenant_apps.resources.services import RESOURCE_FIELDS
from tenant_apps.scheduling.serializers import range_bound_parse

MAX_RESERVATION_DAYS = 92


class ResourceInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = list(RESOURCE_FIELDS)
        extra_kwargs = {
            "quantity": {
                "min_value": 1,
                "max_value": 10_000,
                "help_text": "How many identical units (12 reformers); a room is usually 1.",
            },
        }


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["id", *RESOURCE_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class ReservationHolderSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="appointment or class_session.")
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="The service and customer, or the class.")


class ReservationSerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Reservation
        fields = ["id", "resource", "resource_name", "unit", "start", "end", "holder"]
        read_only_fields = fields

    @extend_schema_field(ReservationHolderSerializer)
    def get_holder(self, reservation: Reservation) -> dict[str, Any]:
        return reservation_holder(reservation)


def reservation_holder(reservation: Reservation) -> dict[str, Any]:
    """Who holds the unit, in a line (the holder's relations selected by the selector)."""
    if reservation.appointment_id is not None:
        appointment = reservation.appointment
        assert appointment is not None
        return {
            "kind": "appointment",
            "id": appointment.pk,
            "title": f"{appointment.service.name} · {appointment.customer.full_name}",
        }
    session = reservation.class_session
    assert session is not None
    return {"kind": "class_session", "id": session.pk, "title": session.class_type.name}


class ReservationRangeQuerySerializer(serializers.Serializer):
    """?start=&end=&resource=: dates (whole days in the studio's timezone, end included) or
    date-times, at most 92 days."""

    start = serializers.CharField(
        help_text="First day (YYYY-MM-DD, in the studio's timezone) or an ISO 8601 date-time."
    )
    end = serializers.CharField(
        help_text="Last day (YYYY-MM-DD, included) or an ISO 8601 date-time (excluded)."
    )
    resource = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this resource's (id)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        zone: ZoneInfo = self.context["zone"]
        start = range_bound_parse(attrs["start"], zone=zone, is_end=False)
        end = range_bound_parse(attrs["end"], zone=zone, is_end=True)
        errors: dict[str, list[str]] = {}
        for name, value in (("start", start), ("end", end)):
            if value is None:
                errors[name] = ["Use a date (YYYY-MM-DD) or an ISO 8601 date-time."]
        if start is not None and end is not None:
            if end <= start:
                errors["end"] = ["The end must be after the start."]
            elif (end - start).days > MAX_RESERVATION_DAYS:
                errors["end"] = [f"Ask for at most {MAX_RESERVATION_DAYS} days at a time."]
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, "start": start, "end": end}
