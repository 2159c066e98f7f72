"""API serializers of availability rules: weekly hours, date overrides and time off.

Wall-clock times travel as "HH:MM" ("24:00" allowed as an end: until midnight); instants as
ISO 8601 with a UTC offset (a time without one is refused rather than guessed).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.catalog.serializers import MAX_ID
from tenant_apps.scheduling.availability_services import MINUTES_PER_DAY, hhmm
from tenant_apps.scheduling.models import TimeOff, WeeklyHours

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
OFFSET_REQUIRED = "Include a UTC offset, e.g. 2026-03-01T09:00:00+00:00 or ...Z."


@extend_schema_field(
    {"type": "string", "pattern": r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", "example": "09:00"}
)
class WallClockField(serializers.Field):
    """Minutes since midnight as "HH:MM". Ends may be "24:00" (until midnight)."""

    default_error_messages = {
        "invalid": 'Use a time as "HH:MM", e.g. "09:30".',
        "invalid_end": 'Use a time as "HH:MM", e.g. "17:30" ("24:00" for midnight).',
    }

    def __init__(self, *, is_end: bool = False, **kwargs: Any) -> None:
        self.is_end = is_end
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if self.is_end and data == "24:00":
            return MINUTES_PER_DAY
        match = _HHMM.match(data) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid_end" if self.is_end else "invalid")
        assert match is not None
        return int(match.group(1)) * 60 + int(match.group(2))

    def to_representation(self, value: int) -> str:
        return hhmm(value)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time that carries its UTC offset."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                raise serializers.ValidationError(OFFSET_REQUIRED)
        result: datetime = super().to_internal_value(value)
        return result


@extend_schema_field(
    {
        "type": "string",
        "description": "A date (YYYY-MM-DD, the whole day in the studio's time zone) or a "
        "date and time with its UTC offset.",
        "example": "2026-03-01",
    }
)
class DateOrInstantField(serializers.Field):
    """A query bound: a date (kept as a date) or an aware datetime."""

    default_error_messages = {
        "invalid": "Use a date (YYYY-MM-DD) or a date and time with its UTC offset.",
        "naive": OFFSET_REQUIRED,
    }

    def to_internal_value(self, data: Any) -> date | datetime:
        text = str(data).strip()
        try:
            day = parse_date(text)
            instant = None if day else parse_datetime(text)
        except ValueError:
            self.fail("invalid")
        if day is not None:
            return day
        if instant is None:
            self.fail("invalid")
        assert instant is not None
        if instant.tzinfo is None:
            self.fail("naive")
        return instant

    def to_representation(self, value: date | datetime) -> str:
        return value.isoformat()


# --- weekly hours --------------------------------------------------------------------------


class WeeklyHoursInputSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, help_text="0 = Monday ... 6 = Sunday."
    )
    start = WallClockField()
    end = WallClockField(is_end=True)


class WeeklyHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(read_only=True, help_text="0 = Monday ... 6 = Sunday.")
    start = WallClockField(source="start_minute", read_only=True)
    end = WallClockField(source="end_minute", is_end=True, read_only=True)

    class Meta:
        model = WeeklyHours
        fields = ["id", "weekday", "start", "end"]
        read_only_fields = fields


# --- date overrides ------------------------------------------------------------------------


class DateOverrideIntervalSerializer(serializers.Serializer):
    start = WallClockField(source="start_minute")
    end = WallClockField(source="end_minute", is_end=True)


class DateOverrideInputSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The date (YYYY-MM-DD) in the staff member's zone.")
    closed = serializers.BooleanField(default=False, help_text="Not working at all that day.")
    intervals = DateOverrideIntervalSerializer(
        many=True, required=False, help_text="The hours that day instead of the weekly ones."
    )


class DateOverrideDaySerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    closed = serializers.BooleanField(read_only=True)
    intervals = DateOverrideIntervalSerializer(many=True, read_only=True)


class DateRangeQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First date (YYYY-MM-DD).")
    end = serializers.DateField(required=False, help_text="Last date, included.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "start" in attrs and "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end can't be before the start."]})
        return attrs


# --- time off ------------------------------------------------------------------------------


class StaffTimeOffInputSerializer(serializers.Serializer):
    start = AwareDateTimeField(help_text="With its UTC offset.")
    end = AwareDateTimeField(help_text="With its UTC offset; after the start.")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TimeOffInputSerializer(StaffTimeOffInputSerializer):
    staff = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Staff member id.")


class TimeOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeOff
        fields = ["id", "staff", "start", "end", "reason", "created_at"]
        read_only_fields = fields


class TimeOffQuerySerializer(serializers.Serializer):
    """Time off overlapping [start, end); dates cover whole days in the studio's zone."""

    staff = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this staff member's."
    )
    start = DateOrInstantField(required=False)
    end = DateOrInstantField(required=False, help_text="A date is included whole.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        zone = ZoneInfo(self.context["timezone"])
        if isinstance(attrs.get("start"), date) and not isinstance(attrs["start"], datetime):
            attrs["start"] = datetime.combine(attrs["start"], time(), zone)
        if isinstance(attrs.get("end"), date) and not isinstance(attrs["end"], datetime):
            attrs["end"] = datetime.combine(attrs["end"] + timedelta(days=1), time(), zone)
        if "start" in attrs and "end" in attrs and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return attrs
