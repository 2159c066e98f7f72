"""Serializers of the public booking API (no sign-in).

Output serializers carry public fields only: nothing about other customers, no staff emails, no
internal notes. Names start with "Public" so they never collide with the owner API's components.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.catalog.selectors import booking_choice_get
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors import MAX_RANGE_DAYS, booking_page_get
from tenant_apps.scheduling.serializers import OUT_OF_RANGE, AwareDateTimeField, day_in_range

ANY_STAFF = "any"
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
MAX_ID = 2**63 - 1  # ids are bigint
CENTS = Decimal("0.01")


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "enum": [ANY_STAFF]}],
        "description": 'A staff member\'s id, or "any" for whoever is free.',
    }
)
class PublicStaffChoiceField(serializers.Field):
    """ "any" (None) or the id of a bookable staff member of this studio."""

    default_error_messages = {
        "invalid": 'Give a staff member\'s id or "any".',
        "unknown": "There is no bookable staff member with this id.",
    }

    def to_internal_value(self, data: Any) -> StaffMember | None:
        if isinstance(data, str) and data.strip().lower() == ANY_STAFF:
            return None
        try:
            staff_id = int(data)
        except (TypeError, ValueError):
            self.fail("invalid")
        if isinstance(data, bool) or not 1 <= staff_id <= MAX_ID:
            self.fail("unknown")
        member = StaffMember.objects.filter(pk=staff_id, is_bookable=True).first()
        if member is None:
            self.fail("unknown")
        return member

    def to_representation(self, value: Any) -> Any:
        return ANY_STAFF if value is None or value == ANY_STAFF else value.pk


class PublicServiceChoiceField(serializers.PrimaryKeyRelatedField):
    """The id of an active service of this studio (inactive ones do not exist for customers)."""

    default_error_messages = {
        "does_not_exist": "There is no bookable service with this id.",
        "incorrect_type": "Give the service's id (a number).",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Service.objects.filter(is_active=True), **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class PublicBookingPageField(serializers.Field):
    """The slug of an active booking page; its questions check the answers."""

    default_error_messages = {
        "invalid": "Give the booking page's slug (letters, digits, - and _).",
        "unknown": "There is no booking page with this slug.",
    }

    def to_internal_value(self, data: Any) -> BookingPage:
        if not isinstance(data, str) or not _SLUG.match(data.strip()):
            self.fail("invalid")
        page = booking_page_get(slug=data.strip())
        if page is None:
            self.fail("unknown")
        return page

    def to_representation(self, value: Any) -> Any:
        return value.slug


def _staff_performs(service: Service, staff: StaffMember | None) -> bool:
    return staff is None or service.staff.filter(pk=staff.pk).exists()


class PublicListQuerySerializer(serializers.Serializer):
    booking_page = PublicBookingPageField(
        required=False, help_text="Only what this booking page offers."
    )


class PublicStaffQuerySerializer(PublicListQuerySerializer):
    service = PublicServiceChoiceField(
        required=False, help_text="Only staff who perform this service."
    )


class PublicSlotQuerySerializer(serializers.Serializer):
    service = PublicServiceChoiceField()
    staff = PublicStaffChoiceField(required=False, default=None)
    start = serializers.DateField(
        input_formats=["%Y-%m-%d"], help_text="First day (YYYY-MM-DD) in the zone tz."
    )
    end = serializers.DateField(
        input_formats=["%Y-%m-%d"], help_text="Last day (YYYY-MM-DD, included) in the zone tz."
    )
    tz = serializers.CharField(
        required=False,
        max_length=64,
        help_text="IANA timezone the days are read in and slots shown in (default: the studio's).",
    )
    booking_page = PublicBookingPageField(required=False)

    def validate_tz(self, value: str) -> ZoneInfo:
        try:
            return ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(
                "Unknown timezone: use an IANA name such as Europe/London."
            ) from None

    def validate_start(self, value: date) -> date:
        if not day_in_range(value):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return value

    def validate_end(self, value: date) -> date:
        return self.validate_start(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first: date = attrs["start"]
        last: date = attrs["end"]
        if last < first:
            raise serializers.ValidationError({"end": ["The end must not be before the start."]})
        if last - first >= timedelta(days=MAX_RANGE_DAYS):
            raise serializers.ValidationError(
                {"end": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]}
            )
        if not _staff_performs(attrs["service"], attrs.get("staff")):
            raise serializers.ValidationError(
                {"staff": ["This staff member does not perform this service."]}
            )
        return attrs


class PublicServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "category",
            "duration_minutes",
            "price",
            "currency",
            "deposit_type",
            "deposit_value",
            "requires_approval",
            "color",
        ]
        read_only_fields = fields


class PublicStaffSerializer(serializers.ModelSerializer):
    photo = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = StaffMember
        fields = ["id", "display_name", "bio", "photo", "color"]
        read_only_fields = fields


class PublicSlotStaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="UTC.")
    end = serializers.DateTimeField(help_text="UTC.")
    start_local = serializers.SerializerMethodField(
        help_text="The same instant in the requested zone, with its offset."
    )
    staff = PublicSlotStaffSerializer(many=True, help_text="Who is free at this time.")

    @extend_schema_field(serializers.DateTimeField())
    def get_start_local(self, slot: Any) -> str:
        # DRF would convert to the server's zone; the customer asked for theirs.
        return str(slot.start_local.isoformat())


class PublicSlotListSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    staff = PublicStaffChoiceField()
    timezone = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    slots = PublicSlotSerializer(many=True)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "enum": [ANY_STAFF]}],
        "description": 'A staff member\'s id, or "any" for whoever is free.',
    }
)
class PublicStaffIdField(PublicStaffChoiceField):
    """As PublicStaffChoiceField, but only the id: the booking looks the person up together
    with the service (catalog.selectors.booking_choice_get)."""

    def to_internal_value(self, data: Any) -> int | None:  # type: ignore[override]
        if isinstance(data, str) and data.strip().lower() == ANY_STAFF:
            return None
        try:
            staff_id = int(data)
        except (TypeError, ValueError):
            self.fail("invalid")
        if isinstance(data, bool) or not 1 <= staff_id <= MAX_ID:
            self.fail("unknown")
        return staff_id


class PublicServiceIdField(serializers.IntegerField):
    """The id of a service; whether it is an active one is checked with the staff member."""

    default_error_messages = {
        "invalid": "Give the service's id (a number).",
        "max_string_length": "Give the service's id (a number).",
        "min_value": "There is no bookable service with this id.",
        "max_value": "There is no bookable service with this id.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool | float):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class PublicBookingCreateInputSerializer(serializers.Serializer):
    service = PublicServiceIdField()
    staff = PublicStaffIdField(required=False, default=None)
    start = AwareDateTimeField(help_text="A slot's start, ISO 8601 with an offset.")
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    answers = serializers.JSONField(
        required=False,
        default=dict,
        help_text="Answers to the booking page's questions: {question id: answer}.",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    booking_page = PublicBookingPageField(
        required=False, allow_null=True, default=None, help_text="The page booked on."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Service and staff ids become the objects, checked together in one query."""
        staff_id: int | None = attrs.get("staff")
        choice = booking_choice_get(service_id=attrs["service"], staff_id=staff_id)
        problems: dict[str, list[str]] = {}
        if choice.service is None:
            problems["service"] = ["There is no bookable service with this id."]
        if staff_id is not None and choice.staff is None:
            problems["staff"] = ["There is no bookable staff member with this id."]
        elif staff_id is not None and choice.service is not None and not choice.performs:
            problems["staff"] = ["This staff member does not perform this service."]
        if problems:
            raise serializers.ValidationError(problems)
        return {**attrs, "service": choice.service, "staff": choice.staff}


class PublicBookingServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "duration_minutes"]
        read_only_fields = fields


class PublicBookingStaffSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = StaffMember
        fields = ["id", "name"]
        read_only_fields = fields


class PublicBookingSerializer(serializers.ModelSerializer):
    """A booking as its customer sees it."""

    service = PublicBookingServiceSerializer(read_only=True)
    staff = PublicBookingStaffSerializer(read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "reference",
            "status",
            "start",
            "end",
            "staff",
            "service",
            "price",
            "currency",
            "status_reason",
        ]
        read_only_fields = fields


def utc_json(moment: datetime) -> str:
    # As DRF's DateTimeField renders UTC (TIME_ZONE is UTC): "...Z".
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def public_booking_json(appointment: Appointment) -> dict[str, Any]:
    """PublicBookingSerializer's output, built by hand: every booking answers with it, and
    DRF's nested serializers cost more than the booking's own SQL (a test keeps the two equal)."""
    return {
        "reference": appointment.reference,
        "status": appointment.status,
        "start": utc_json(appointment.start),
        "end": utc_json(appointment.end),
        "staff": {"id": appointment.staff.pk, "name": appointment.staff.display_name},
        "service": {
            "id": appointment.service.pk,
            "name": appointment.service.name,
            "duration_minutes": appointment.service.duration_minutes,
        },
        "price": str(Decimal(appointment.price).quantize(CENTS)),
        "currency": appointment.currency,
        "status_reason": appointment.status_reason,
    }


class PublicBookingLookupQuerySerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The email address the booking was made with.")
