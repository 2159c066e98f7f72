"""Owner-side API serializers of classes.

Input serializers check shapes (types, bounds, ids of this studio); the rules are in
classes.services. Names are unique across the API: they become OpenAPI component names.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import (
    ClassLevel,
    ClassSeries,
    ClassSession,
    ClassSettings,
    ClassType,
    Enrollment,
    EnrollmentPayment,
    WaitlistMode,
)
from tenant_apps.classes.services.sessions import MAX_CAPACITY, MAX_SERIES_SESSIONS
from tenant_apps.customers.models import Customer
from tenant_apps.resources.models import Resource
from tenant_apps.scheduling.serializers import AwareDateTimeField

# --- class types ------------------------------------------------------------------------------


class ClassTypeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    default_instructor = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(), required=False, allow_null=True
    )
    room = serializers.PrimaryKeyRelatedField(
        queryset=Resource.objects.all(), required=False, allow_null=True
    )
    equipment = serializers.PrimaryKeyRelatedField(
        queryset=Resource.objects.all(), required=False, allow_null=True
    )
    equipment_per_attendee = serializers.IntegerField(
        min_value=0, max_value=100, required=False, default=0
    )
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    currency = serializers.CharField(max_length=3, required=False)
    credits = serializers.IntegerField(min_value=0, max_value=100, required=False)
    level = serializers.ChoiceField(choices=ClassLevel.choices, required=False)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
    is_active = serializers.BooleanField(required=False)


class ClassTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassType
        fields = [
            "id",
            "name",
            "description",
            "duration_minutes",
            "capacity",
            "default_instructor",
            "room",
            "equipment",
            "equipment_per_attendee",
            "price",
            "currency",
            "credits",
            "level",
            "color",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- sessions ---------------------------------------------------------------------------------


class ClassSessionTypeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassType
        fields = ["id", "name", "color", "level"]
        read_only_fields = fields


class ClassSessionInstructorSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "display_name", "color"]
        read_only_fields = fields


class ClassSessionSerializer(serializers.ModelSerializer):
    class_type = ClassSessionTypeSummarySerializer(read_only=True)
    instructor = ClassSessionInstructorSerializer(read_only=True)
    spots_left = serializers.IntegerField(read_only=True)
    waitlisted = serializers.SerializerMethodField(help_text="How many are on the waitlist.")

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "class_type",
            "series",
            "instructor",
            "start",
            "end",
            "capacity",
            "taken",
            "spots_left",
            "waitlisted",
            "price",
            "currency",
            "credits",
            "status",
            "cancel_reason",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_waitlisted(self, session: ClassSession) -> int:
        counts = self.context.get("waitlisted") or {}
        value = getattr(session, "waitlisted", None)
        return int(value if value is not None else counts.get(session.pk, 0))


class ClassSessionTermsInputSerializer(serializers.Serializer):
    class_type = serializers.PrimaryKeyRelatedField(queryset=ClassType.objects.all())
    instructor = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(),
        required=False,
        allow_null=True,
        help_text="Default: the class type's default instructor.",
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY, required=False, help_text="Default: the type's."
    )
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Default: the type's.",
    )
    credits = serializers.IntegerField(
        min_value=0, max_value=100, required=False, help_text="Default: the type's."
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ClassSessionCreateInputSerializer(ClassSessionTermsInputSerializer):
    start = AwareDateTimeField(help_text="ISO 8601 with a UTC offset.")


class ClassSeriesCreateInputSerializer(ClassSessionTermsInputSerializer):
    first_start = AwareDateTimeField(
        help_text="The first session (ISO 8601 with an offset); every later one is at the same "
        "local time of day in the studio's timezone, one week apart."
    )
    repeat_until = serializers.DateField(
        required=False, allow_null=True, help_text="Last date (included, studio's timezone)."
    )
    count = serializers.IntegerField(
        min_value=1, max_value=MAX_SERIES_SESSIONS, required=False, allow_null=True
    )


class ClassSeriesSerializer(serializers.ModelSerializer):
    sessions = serializers.SerializerMethodField()

    class Meta:
        model = ClassSeries
        fields = [
            "id",
            "class_type",
            "instructor",
            "first_start",
            "repeat_until",
            "count",
            "sessions",
        ]
        read_only_fields = fields

    @extend_schema_field(ClassSessionSerializer(many=True))
    def get_sessions(self, series: ClassSeries) -> list[dict[str, Any]]:
        sessions = self.context.get("sessions", [])
        return list(ClassSessionSerializer(sessions, many=True, context=self.context).data)


class ClassSessionUpdateInputSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[("this", "This session"), ("following", "This and the following sessions")],
        default="this",
    )
    start = AwareDateTimeField(
        required=False, help_text="This session's new start; later ones shift by as much."
    )
    instructor = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(), required=False
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ClassSessionUpdateResultSerializer(serializers.Serializer):
    sessions = ClassSessionSerializer(many=True, help_text="Every session that changed.")


class ClassSessionCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Told to every customer.")


# --- enrollments ------------------------------------------------------------------------------


class EnrollmentCustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "full_name", "email", "phone"]
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer):
    customer = EnrollmentCustomerSerializer(read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text="Place in line (1 = next) while waitlisted, else null."
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "reference",
            "session",
            "customer",
            "spots",
            "status",
            "waitlist_position",
            "waitlisted_at",
            "offer_expires_at",
            "payment",
            "price",
            "currency",
            "source",
            "customer_note",
            "checked_in_at",
            "cancelled_at",
            "cancel_reason",
            "late_cancel",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_waitlist_position(self, enrollment: Enrollment) -> int | None:
        positions: dict[int, int] = self.context.get("positions") or {}
        return positions.get(enrollment.pk)


class EnrollmentNewCustomerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


def _one_customer(attrs: dict[str, Any]) -> dict[str, Any]:
    if ("customer" in attrs) == ("new_customer" in attrs):
        raise serializers.ValidationError(
            {"customer": ["Give customer (an id) or new_customer (name and email)."]}
        )
    return attrs


class EnrollmentCreateInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, help_text="An existing customer's id."
    )
    new_customer = EnrollmentNewCustomerInputSerializer(
        required=False, help_text="Or a customer by name and email (found by email if known)."
    )
    spots = serializers.IntegerField(min_value=1, max_value=20, default=1)
    payment = serializers.ChoiceField(
        choices=EnrollmentPayment.choices,
        default=EnrollmentPayment.AT_STUDIO,
        help_text="credits, at_studio or complimentary (online comes with online payments).",
    )
    join_waitlist = serializers.BooleanField(
        default=True, help_text="When full: join the waitlist (else 409 class_full)."
    )
    customer_note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _one_customer(attrs)


class WalkInInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, help_text="An existing customer's id."
    )
    new_customer = EnrollmentNewCustomerInputSerializer(required=False)
    spots = serializers.IntegerField(min_value=1, max_value=20, default=1)
    payment = serializers.ChoiceField(
        choices=EnrollmentPayment.choices,
        default=EnrollmentPayment.AT_STUDIO,
        help_text="credits, at_studio or complimentary (online comes with online payments).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _one_customer(attrs)


class EnrollmentCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


# --- settings ---------------------------------------------------------------------------------


class ClassSettingsSerializer(serializers.ModelSerializer):
    waitlist_mode = serializers.ChoiceField(choices=WaitlistMode.choices)
    claim_window_minutes = serializers.IntegerField(min_value=5, max_value=7 * 24 * 60)
    close_window_hours = serializers.IntegerField(min_value=0, max_value=14 * 24)
    late_cancel_hours = serializers.IntegerField(min_value=0, max_value=14 * 24)
    late_cancel_forfeits_credit = serializers.BooleanField()

    class Meta:
        model = ClassSettings
        fields = [
            "waitlist_mode",
            "claim_window_minutes",
            "close_window_hours",
            "late_cancel_hours",
            "late_cancel_forfeits_credit",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
