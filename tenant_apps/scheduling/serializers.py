"""Owner-side API serializers of appointments.

Input serializers check shapes (types, lengths, ids of this studio); the booking rules are in
scheduling.services. Names are unique across the API: they become OpenAPI component names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentActivity, AppointmentStatus
from tenant_apps.scheduling.selectors import MAX_RANGE_DAYS

CENTS = Decimal("0.01")

# Dates the API accepts at all: far enough for any booking, near enough for date arithmetic
# (a few days either side of year 1 or 9999 overflows) to stay safe.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = f"Use a date between {FIRST_DAY} and {LAST_DAY}."


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its UTC offset: a booking time without one is
    ambiguous (which zone? which side of a DST change?), so it is refused, not guessed."""

    default_error_messages = {
        "naive": "Include the UTC offset, e.g. 2026-11-23T10:00:00+00:00 or ...Z.",
        "out_of_range": OUT_OF_RANGE,
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        if not day_in_range(value.date()):
            self.fail("out_of_range")
        return super().enforce_timezone(value)


def range_bound_parse(raw: str, *, zone: ZoneInfo, is_end: bool) -> datetime | None:
    """A range bound from a query string: a date (the whole day in `zone`; an end date is
    included) or a date-time (with an offset, or read in `zone`). None when malformed."""
    raw = raw.strip()
    if "T" in raw:
        # "+01:00" arrives as " 01:00" when the caller did not encode the query string.
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None or not day_in_range(value.date()):
            return None
        return value if timezone.is_aware(value) else value.replace(tzinfo=zone)
    day: date | None = parse_date(raw)
    if day is None or not day_in_range(day):
        return None
    if is_end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), zone)


class AppointmentRangeQuerySerializer(serializers.Serializer):
    """?start=&end=: dates (whole days in the studio's timezone, end included) or date-times."""

    start = serializers.CharField(
        help_text="First day (YYYY-MM-DD, in the studio's timezone) or an ISO 8601 date-time."
    )
    end = serializers.CharField(
        help_text="Last day (YYYY-MM-DD, included) or an ISO 8601 date-time (excluded)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        zone: ZoneInfo = self.context["zone"]
        errors: dict[str, list[str]] = {}
        start = range_bound_parse(attrs["start"], zone=zone, is_end=False)
        end = range_bound_parse(attrs["end"], zone=zone, is_end=True)
        for name, value in (("start", start), ("end", end)):
            if value is None:
                errors[name] = [
                    "Use a date (YYYY-MM-DD) or an ISO 8601 date-time, "
                    f"between {FIRST_DAY} and {LAST_DAY}."
                ]
        if start is not None and end is not None:
            if end <= start:
                errors["end"] = ["The end must be after the start."]
            elif end - start > timedelta(days=MAX_RANGE_DAYS):
                errors["end"] = [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]
        if errors:
            raise serializers.ValidationError(errors)
        return {"start": start, "end": end}


class AppointmentServiceSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "duration_minutes", "color"]
        read_only_fields = fields


class AppointmentStaffSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "display_name", "color", "timezone"]
        read_only_fields = fields


class AppointmentCustomerSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "full_name", "email", "phone"]
        read_only_fields = fields


class AppointmentSerializer(serializers.ModelSerializer):
    service = AppointmentServiceSummarySerializer(read_only=True)
    staff = AppointmentStaffSummarySerializer(read_only=True)
    customer = AppointmentCustomerSummarySerializer(read_only=True)
    buffer_before_minutes = serializers.SerializerMethodField()
    buffer_after_minutes = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField(help_text="This appointment as an .ics file.")

    class Meta:
        model = Appointment
        fields = [
            "id",
            "reference",
            "status",
            "source",
            "start",
            "end",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "service",
            "staff",
            "customer",
            "answers",
            "customer_note",
            "owner_notes",
            "status_reason",
            "price",
            "currency",
            "created_at",
            "updated_at",
            "ics_url",
        ]
        read_only_fields = fields

    def get_buffer_before_minutes(self, appointment: Appointment) -> int:
        return int(appointment.buffer_before.total_seconds() // 60)

    def get_buffer_after_minutes(self, appointment: Appointment) -> int:
        return int(appointment.buffer_after.total_seconds() // 60)

    @extend_schema_field(serializers.URLField())
    def get_ics_url(self, appointment: Appointment) -> str:
        path = f"/api/v1/appointments/{appointment.pk}.ics"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AppointmentCreditPaymentSerializer(serializers.Serializer):
    """packages.selectors.CreditPayment: how the appointment was paid with credits."""

    package_id = serializers.IntegerField(read_only=True, help_text="The customer's package.")
    package_name = serializers.CharField(read_only=True)
    credits = serializers.IntegerField(read_only=True, help_text="Credits it took.")
    paid_at = serializers.DateTimeField(read_only=True)
    refunded = serializers.SerializerMethodField(
        help_text="The credits went back to the package (the appointment was cancelled or "
        "declined)."
    )
    refunded_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @extend_schema_field(serializers.BooleanField())
    def get_refunded(self, payment: Any) -> bool:
        # `payment` is a packages.selectors.CreditPayment (spectacular reads this hint at run
        # time, so it names no type imported only for checking).
        return payment.refunded_at is not None


class AppointmentDetailSerializer(AppointmentSerializer):
    """One appointment, as its own endpoints return it: the list's fields, plus how it was
    paid with credits (read separately, so the list stays one query)."""

    credit_payment = serializers.SerializerMethodField(
        help_text="Null unless it was paid with package credits."
    )

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "credit_payment"]
        read_only_fields = fields

    @extend_schema_field(AppointmentCreditPaymentSerializer(allow_null=True))
    def get_credit_payment(self, appointment: Appointment) -> dict[str, Any] | None:
        # Given by the view (packages.selectors.appointment_credit_payment_get).
        payment = self.context["credit_payment"]
        if payment is None:
            return None
        return dict(AppointmentCreditPaymentSerializer(payment).data)


def _datetime_json(value: datetime, zone: tzinfo) -> str:
    """As DRF's DateTimeField writes it: in the current zone (UTC), "Z" for UTC."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


# What the appointment list reads: plain values, no model instances (a calendar week is
# hundreds of rows, each with three related objects, and building those instances cost more
# than the query and the JSON together).
APPOINTMENT_LIST_VALUES = (
    "id",
    "reference",
    "status",
    "source",
    "start",
    "end",
    "buffer_before",
    "buffer_after",
    "service_id",
    "service__name",
    "service__duration_minutes",
    "service__color",
    "staff_id",
    "staff__display_name",
    "staff__color",
    "staff__timezone",
    "customer_id",
    "customer__full_name",
    "customer__email",
    "customer__phone",
    "answers",
    "customer_note",
    "owner_notes",
    "status_reason",
    "price",
    "currency",
    "created_at",
    "updated_at",
)


def appointment_list_json(rows: Iterable[dict[str, Any]], *, request: Any) -> list[dict[str, Any]]:
    """AppointmentSerializer(many=True).data, built by hand from APPOINTMENT_LIST_VALUES rows:
    DRF's nested serializers cost about a millisecond per appointment, ten times the query. A
    test keeps the two outputs equal field for field. The list endpoint uses it only when the
    active timezone is not UTC; otherwise PostgreSQL writes the page (scheduling.list_json)."""
    base = request.build_absolute_uri("/")[:-1] if request is not None else ""
    zone = timezone.get_current_timezone()  # once: each look-up goes through a context local
    return [
        {
            "id": a["id"],
            "reference": a["reference"],
            "status": a["status"],
            "source": a["source"],
            "start": _datetime_json(a["start"], zone),
            "end": _datetime_json(a["end"], zone),
            "buffer_before_minutes": _minutes(a["buffer_before"]),
            "buffer_after_minutes": _minutes(a["buffer_after"]),
            "service": {
                "id": a["service_id"],
                "name": a["service__name"],
                "duration_minutes": a["service__duration_minutes"],
                "color": a["service__color"],
            },
            "staff": {
                "id": a["staff_id"],
                "display_name": a["staff__display_name"],
                "color": a["staff__color"],
                "timezone": a["staff__timezone"],
            },
            "customer": {
                "id": a["customer_id"],
                "full_name": a["customer__full_name"],
                "email": a["customer__email"],
                "phone": a["customer__phone"],
            },
            "answers": a["answers"],
            "customer_note": a["customer_note"],
            "owner_notes": a["owner_notes"],
            "status_reason": a["status_reason"],
            "price": str(Decimal(a["price"]).quantize(CENTS)),
            "currency": a["currency"],
            "created_at": _datetime_json(a["created_at"], zone),
            "updated_at": _datetime_json(a["updated_at"], zone),
            "ics_url": f"{base}/api/v1/appointments/{a['id']}.ics",
        }
        for a in rows
    ]


class AppointmentNewCustomerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class AppointmentCreateInputSerializer(serializers.Serializer):
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all())
    staff = serializers.PrimaryKeyRelatedField(queryset=StaffMember.objects.all())
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="An existing customer's id; or give new_customer instead.",
    )
    new_customer = AppointmentNewCustomerInputSerializer(
        required=False,
        allow_null=True,
        help_text="A customer by name and email (an existing customer with this email is used).",
    )
    start = AwareDateTimeField(help_text="ISO 8601 with an offset.")
    notes = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Owner notes."
    )
    customer_note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    allow_outside_hours = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Book outside the staff member's working hours (owners and managers only).",
    )
    pay_with_credits = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Pay with one credit of the customer's package that covers the service (the "
        "one expiring first); 409 insufficient_credits when none has a credit left. Cancelling "
        "or declining the appointment returns the credit.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_customer = attrs.get("customer") is not None
        has_new = attrs.get("new_customer") is not None
        if has_customer == has_new:
            message = "Give either customer (an id) or new_customer (name, email, phone)."
            raise serializers.ValidationError({"customer": [message]})
        return attrs


class AppointmentRescheduleInputSerializer(serializers.Serializer):
    start = AwareDateTimeField(help_text="The new start, ISO 8601 with an offset.")
    staff = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(),
        required=False,
        allow_null=True,
        help_text="Move to this staff member (default: keep the current one).",
    )
    allow_outside_hours = serializers.BooleanField(required=False, default=False)
    duration_minutes = serializers.IntegerField(
        required=False,
        min_value=5,
        max_value=24 * 60,
        help_text="A new length in minutes (5-minute steps). Default: keep the current length.",
    )


# Pending is where bookings start; nobody moves an appointment back to it.
SETTABLE_STATUSES = [s for s in AppointmentStatus if s != AppointmentStatus.PENDING]


class AppointmentStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in SETTABLE_STATUSES])
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to reject or cancel: the customer is told why.",
    )


class AppointmentCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why (the customer is told).")


class AppointmentNotesInputSerializer(serializers.Serializer):
    owner_notes = serializers.CharField(max_length=5000, allow_blank=True)


class AppointmentActivitySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True)
    actor_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The user who made the change, if any."
    )

    class Meta:
        model = AppointmentActivity
        fields = ["id", "action", "actor", "actor_id", "before", "after", "created_at"]
        read_only_fields = fields
