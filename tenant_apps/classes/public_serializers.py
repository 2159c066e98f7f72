"""Serializers of the public classes API (no sign-in).

Outputs carry public fields only: a session's seats left and waitlist length, never who is
enrolled. Names start with "PublicClass"/"PublicEnrollment" so they never collide with the
owner API's components.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rest_framework import serializers

from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import ClassLevel, ClassSession, ClassType, Enrollment
from tenant_apps.classes.selectors import MAX_RANGE_DAYS
from tenant_apps.scheduling.public_serializers import MAX_ID
from tenant_apps.scheduling.serializers import OUT_OF_RANGE, day_in_range


class PublicClassQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        input_formats=["%Y-%m-%d"], help_text="First day (YYYY-MM-DD) in the zone tz."
    )
    end = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        required=False,
        help_text="Last day (YYYY-MM-DD, included; default: a week from start).",
    )
    tz = serializers.CharField(
        required=False,
        max_length=64,
        help_text="IANA timezone the days are read in and times shown in (default: the studio's).",
    )
    class_type = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this class type (id)."
    )
    instructor = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this instructor (id)."
    )
    level = serializers.ChoiceField(
        choices=ClassLevel.choices, required=False, help_text="Only this level."
    )

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
        last: date = attrs.get("end") or first + timedelta(days=6)
        if last < first:
            raise serializers.ValidationError({"end": ["The end must not be before the start."]})
        if last - first >= timedelta(days=MAX_RANGE_DAYS):
            raise serializers.ValidationError(
                {"end": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]}
            )
        attrs["end"] = last
        return attrs


class PublicClassTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassType
        fields = ["id", "name", "description", "level", "color", "duration_minutes"]
        read_only_fields = fields


class PublicClassInstructorSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "display_name"]
        read_only_fields = fields


class PublicClassSessionSerializer(serializers.ModelSerializer):
    class_type = PublicClassTypeSerializer(read_only=True)
    instructor = PublicClassInstructorSerializer(read_only=True)
    start_local = serializers.SerializerMethodField(
        help_text="The start in the requested zone, with its offset."
    )
    spots_left = serializers.IntegerField(read_only=True)
    waitlist_length = serializers.SerializerMethodField(help_text="How many are waiting.")
    is_full = serializers.SerializerMethodField()

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "class_type",
            "instructor",
            "start",
            "end",
            "start_local",
            "capacity",
            "spots_left",
            "is_full",
            "waitlist_length",
            "price",
            "currency",
            "credits",
        ]
        read_only_fields = fields

    def get_start_local(self, session: ClassSession) -> str:
        zone: ZoneInfo = self.context["zone"]
        return session.start.astimezone(zone).isoformat()

    def get_waitlist_length(self, session: ClassSession) -> int:
        return int(getattr(session, "waitlisted", 0))

    def get_is_full(self, session: ClassSession) -> bool:
        return session.spots_left == 0


class PublicEnrollmentCreateInputSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Session id.")
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    spots = serializers.IntegerField(min_value=1, max_value=20, default=1)
    join_waitlist = serializers.BooleanField(
        default=True, help_text="When full: join the waitlist (else 409 class_full)."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give your name.")
        return value.strip()


class PublicEnrollmentLookupQuerySerializer(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254, help_text="The email address the enrollment was made with."
    )


class PublicEnrollmentSessionSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="class_type.name", read_only=True)
    instructor = serializers.CharField(source="instructor.display_name", read_only=True)

    class Meta:
        model = ClassSession
        fields = ["id", "class_name", "instructor", "start", "end", "status"]
        read_only_fields = fields


class PublicEnrollmentSerializer(serializers.ModelSerializer):
    session = PublicEnrollmentSessionSerializer(read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text="Place in line (1 = next) while waitlisted, else null."
    )

    class Meta:
        model = Enrollment
        fields = [
            "reference",
            "status",
            "spots",
            "waitlist_position",
            "offer_expires_at",
            "late_cancel",
            "session",
        ]
        read_only_fields = fields

    def get_waitlist_position(self, enrollment: Enrollment) -> int | None:
        value = self.context.get("waitlist_position")
        return int(value) if value is not None else None
