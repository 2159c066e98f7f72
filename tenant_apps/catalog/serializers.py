"""API serializers of the catalog (services, staff members, booking pages).

Input serializers only check shapes and bounds (types, lengths, the models' validators); the
rules that span fields or rows live in catalog.services. Output serializers are read-only.
Names are unique across the API: they become the OpenAPI component names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.catalog.questions import QUESTION_TYPES
from tenant_apps.catalog.services import SERVICE_FIELDS
from tenant_apps.resources.need_serializers import (
    ServiceResourceNeedInputSerializer,
    ServiceResourceNeedSerializer,
)

MAX_ID = 2**63 - 1  # ids are bigint


def flat_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"field.index.subfield": [messages]}, the shape of a
    problem's `errors` (a list of items with their own fields becomes "items.2.start")."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" or not prefix else ""
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for sub_key, messages in flat_errors(value, path).items():
                flat.setdefault(sub_key, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if not item:
                continue
            path = f"{prefix}.{index}" if prefix else str(index)
            for sub_key, messages in flat_errors(item, path).items():
                flat.setdefault(sub_key, []).extend(messages)
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def input_validate(
    serializer_class: type[serializers.BaseSerializer],
    data: Any,
    *,
    partial: bool = False,
    many: bool = False,
    context: dict[str, Any] | None = None,
) -> Any:
    """The validated data of `data`, or a DRF ValidationError (422 problem) whose errors are
    flattened to dotted field paths."""
    serializer = serializer_class(data=data, partial=partial, many=many, context=context or {})
    if not serializer.is_valid():
        raise ValidationError(flat_errors(serializer.errors))
    return serializer.validated_data


def id_list_field(*, help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text=help_text,
    )


@extend_schema_field({"type": "array", "items": {"type": "integer"}, "readOnly": True})
class SortedIdsField(serializers.Field):
    """Ids of a prefetched many-to-many relation, in ascending order."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[int]:
        return sorted(obj.pk for obj in value.all())


# --- services ------------------------------------------------------------------------------


class ServiceInputSerializer(serializers.ModelSerializer):
    staff = id_list_field(help_text="Ids of the staff members who perform this service.")
    resource_needs = ServiceResourceNeedInputSerializer(
        many=True,
        required=False,
        help_text="The rooms and equipment one booking holds (replaces the list when given).",
    )

    class Meta:
        model = Service
        fields = [*SERVICE_FIELDS, "staff", "resource_needs"]
        extra_kwargs = {
            "currency": {
                "required": False,
                "min_length": 3,
                "help_text": "ISO 4217 code; the studio's currency when left out.",
            },
            "price": {"min_value": 0},
            "deposit_value": {
                "min_value": 0,
                "help_text": "An amount (deposit_type amount) or a percentage (percent).",
            },
        }


class ServiceSerializer(serializers.ModelSerializer):
    staff = SortedIdsField(help_text="Ids of the staff members who perform this service.")
    resource_needs = ServiceResourceNeedSerializer(
        many=True, read_only=True, help_text="The rooms and equipment one booking holds."
    )

    class Meta:
        model = Service
        fields = ["id", *SERVICE_FIELDS, "staff", "resource_needs", "created_at", "updated_at"]
        read_only_fields = fields


# --- staff members -------------------------------------------------------------------------


class StaffMemberInputSerializer(serializers.ModelSerializer):
    services = id_list_field(help_text="Ids of the services this person performs.")
    user = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of the platform user this person signs in with (a member of this "
        "studio); null unlinks.",
    )
    user_email = serializers.EmailField(
        required=False,
        allow_null=True,
        allow_blank=True,
        write_only=True,
        help_text="Alternative to `user`: the email address of a member of this studio.",
    )

    class Meta:
        model = StaffMember
        fields = [
            "display_name",
            "bio",
            "email",
            "color",
            "is_bookable",
            "timezone",
            "services",
            "user",
            "user_email",
        ]
        extra_kwargs = {
            "timezone": {
                "help_text": "IANA time zone of their hours; blank means the studio's zone."
            }
        }


class StaffLinkedUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class StaffMemberSerializer(serializers.ModelSerializer):
    services = SortedIdsField(help_text="Ids of the services this person performs.")
    user = StaffLinkedUserSerializer(read_only=True, allow_null=True)
    photo = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "display_name",
            "bio",
            "photo",
            "email",
            "color",
            "is_bookable",
            "timezone",
            "services",
            "user",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- booking pages -------------------------------------------------------------------------


class BookingPageQuestionSerializer(serializers.Serializer):
    """One custom question (documentation of the shape; catalog.questions validates it)."""

    id = serializers.SlugField(max_length=50, help_text="Unique within the page, e.g. goals.")
    type = serializers.ChoiceField(choices=QUESTION_TYPES)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="The options of a choice question (at least one); other types have none.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "label" and "required" would shadow attributes every DRF field has, so they are
        # added here rather than declared on the class.
        fields = super().get_fields()
        fields["label"] = serializers.CharField(max_length=200)
        fields["required"] = serializers.BooleanField(default=False)
        return {name: fields[name] for name in ("id", "label", "type", "required", "choices")}


@extend_schema_field(BookingPageQuestionSerializer(many=True))
class QuestionsField(serializers.JSONField):
    """Accepts any JSON so catalog.questions can report precise problems per question."""


class BookingPageInputSerializer(serializers.ModelSerializer):
    # Declared to leave out the model's unique validator: the service answers a taken slug
    # with a 409 that names the field.
    slug = serializers.SlugField(max_length=60)
    services = id_list_field(help_text="Ids of the services this page offers.")
    staff = id_list_field(help_text="Ids of the staff members this page offers.")
    questions = QuestionsField(required=False)

    class Meta:
        model = BookingPage
        fields = [
            "slug",
            "title",
            "intro",
            "services",
            "staff",
            "questions",
            "policy_text",
            "is_active",
        ]


class BookingPageSerializer(serializers.ModelSerializer):
    services = SortedIdsField(help_text="Ids of the services this page offers.")
    staff = SortedIdsField(help_text="Ids of the staff members this page offers.")
    questions = QuestionsField(read_only=True)

    class Meta:
        model = BookingPage
        fields = [
            "id",
            "slug",
            "title",
            "intro",
            "services",
            "staff",
            "questions",
            "policy_text",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
