"""Writes of class types (the templates sessions are scheduled from)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.classes.errors import ClassTypeInUseError
from tenant_apps.classes.models import ClassType
from tenant_apps.resources.models import ResourceKind
from tenants.currencies import CURRENCY_CODES
from tenants.models import Tenant

INVALID = "Check the fields listed in errors."

CLASS_TYPE_FIELDS = (
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
)
MAX_DURATION_MINUTES = 24 * 60
MAX_CAPACITY = 500


def _problems(class_type: ClassType) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    try:
        class_type.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = {f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()}
    if not class_type.name.strip():
        problems["name"] = ["Give the class a name."]
    if "duration_minutes" not in problems and not (
        5 <= class_type.duration_minutes <= MAX_DURATION_MINUTES
    ):
        problems["duration_minutes"] = ["A class lasts 5 minutes to 24 hours."]
    if "capacity" not in problems and not 1 <= class_type.capacity <= MAX_CAPACITY:
        problems["capacity"] = [f"Room for 1 to {MAX_CAPACITY} people."]
    if class_type.currency not in CURRENCY_CODES:
        problems["currency"] = ["Use a three-letter currency code we support, e.g. GBP or EUR."]
    if "price" not in problems and Decimal(class_type.price) < 0:
        problems["price"] = ["The price can't be negative."]
    room = class_type.room
    if room is not None and room.kind != ResourceKind.ROOM:
        problems["room"] = [f"{room.name} is equipment, not a room."]
    equipment = class_type.equipment
    per_attendee = class_type.equipment_per_attendee
    if equipment is not None:
        if equipment.kind != ResourceKind.EQUIPMENT:
            problems["equipment"] = [f"{equipment.name} is a room, not equipment."]
        elif per_attendee < 1:
            problems["equipment_per_attendee"] = ["Say how many each attendee uses (at least 1)."]
        elif "capacity" not in problems and per_attendee * class_type.capacity > equipment.quantity:
            problems["capacity"] = [
                f"A full class needs {per_attendee * class_type.capacity} of "
                f"{equipment.name}; the studio has {equipment.quantity}."
            ]
    elif per_attendee:
        problems["equipment_per_attendee"] = ["Choose the equipment first."]
    return problems


def _write(class_type: ClassType, data: Mapping[str, Any], *, created: bool) -> ClassType:
    values = dict(data)
    if "currency" in values:
        values["currency"] = str(values["currency"]).strip().upper()
    if "name" in values:
        values["name"] = str(values["name"]).strip()
    if values.get("equipment", class_type.equipment) is None:
        values["equipment_per_attendee"] = 0
    changed = []
    for field in CLASS_TYPE_FIELDS:
        if field in values and getattr(class_type, field) != values[field]:
            setattr(class_type, field, values[field])
            changed.append(field)
    problems = _problems(class_type)
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    with transaction.atomic():
        if created:
            class_type.save()
        elif changed:
            class_type.save(update_fields=[*changed, "updated_at"])
    return class_type


def class_type_create(*, tenant: Tenant, data: Mapping[str, Any]) -> ClassType:
    """A new class type. `data` holds model field values (related ones as instances or None);
    the currency defaults to the studio's."""
    return _write(ClassType(currency=tenant.currency), data, created=True)


def class_type_update(*, class_type: ClassType, data: Mapping[str, Any]) -> ClassType:
    """Change the given fields. Sessions already scheduled keep their own capacity, price and
    credits (copied when they were scheduled)."""
    return _write(class_type, data, created=False)


def class_type_delete(*, class_type: ClassType) -> None:
    """Delete a class type that never had a session (otherwise: switch it off)."""
    try:
        with transaction.atomic():
            class_type.delete()
    except ProtectedError as exc:
        raise ClassTypeInUseError(
            "This class type has sessions: switch it off instead of deleting it."
        ) from exc
