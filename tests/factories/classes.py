"""Helpers for group classes (use inside a studio schema: `in_alpha`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import ClassSession, ClassType
from tests.factories.catalog import StaffMemberFactory


def class_type_make(name: str = "Mat Pilates", **fields: object) -> ClassType:
    values: dict[str, object] = {
        "duration_minutes": 60,
        "capacity": 12,
        "price": Decimal("15.00"),
        "currency": "GBP",
        "credits": 1,
    }
    values.update(fields)
    if "default_instructor" not in values:
        values["default_instructor"] = StaffMemberFactory()
    return ClassType.objects.create(name=name, **values)


def session_make(
    *,
    class_type: ClassType,
    start: datetime,
    instructor: StaffMember | None = None,
    capacity: int | None = None,
    taken: int = 0,
) -> ClassSession:
    """A session written straight to the table (the services' own tests schedule through
    class_session_create)."""
    return ClassSession.objects.create(
        class_type=class_type,
        instructor=instructor or class_type.default_instructor,
        start=start,
        end=start + timedelta(minutes=class_type.duration_minutes),
        capacity=class_type.capacity if capacity is None else capacity,
        taken=taken,
        price=class_type.price,
        currency=class_type.currency,
        credits=class_type.credits,
    )
