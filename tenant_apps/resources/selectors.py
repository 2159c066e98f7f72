"""Reads of rooms, equipment and their reservations."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from shared_apps.core.errors import NotFoundError
from tenant_apps.classes.models import ClassType
from tenant_apps.resources.models import Reservation, Resource, ServiceResourceNeed

PAGE_SIZE = 25


def resource_list() -> QuerySet[Resource]:
    return Resource.objects.all()


def resource_get(*, resource_id: int) -> Resource:
    """A resource of this studio, or not-found (ids of other studios do not exist here)."""
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise NotFoundError("No such resource in this studio.")
    return resource


def resource_page(*, search: str = "", status: str = "", page: int | str = 1) -> Page:  # type: ignore[type-arg]
    """The owner list: active first, with how many services need each."""
    rows = Resource.objects.order_by("-is_active", "kind", "name", "id")
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if status == "active":
        rows = rows.filter(is_active=True)
    elif status == "inactive":
        rows = rows.filter(is_active=False)
    found = Paginator(rows, PAGE_SIZE).get_page(page)
    counts = resource_users_count(resources=list(found.object_list))
    for resource in found.object_list:
        resource.users_count = counts[resource.pk]  # type: ignore[attr-defined]
    return found


def reservation_list(
    *, start: datetime, end: datetime, resource_id: int | None = None
) -> QuerySet[Reservation]:
    """Active reservations overlapping [start, end), with their holders' names at hand."""
    rows = Reservation.objects.filter(is_active=True, start__lt=end, end__gt=start).select_related(
        "resource",
        "appointment__service",
        "appointment__customer",
        "class_session__class_type",
    )
    if resource_id is not None:
        rows = rows.filter(resource_id=resource_id)
    return rows.order_by("start", "resource_id", "unit", "id")


def resource_upcoming_usage(
    *, resource: Resource, now: datetime, limit: int = 20
) -> list[Reservation]:
    """The next reservations of `resource` (still running or to come), for its detail page."""
    rows = (
        Reservation.objects.filter(resource=resource, is_active=True, end__gt=now)
        .select_related("appointment__service", "appointment__customer", "appointment__staff")
        .select_related("class_session__class_type", "class_session__instructor")
        .order_by("start", "unit", "id")
    )
    return list(rows[:limit])


def resource_needed_by(*, resource: Resource) -> list[tuple[str, str]]:
    """(name, what it holds) for the services and class types that need `resource`: services
    per booking, class types as their room (the whole session) or per seat."""
    services = [
        (name, f"{quantity} per booking")
        for name, quantity in resource.service_needs.order_by("service__name").values_list(
            "service__name", "quantity"
        )
    ]
    class_types = [
        (
            class_type.name,
            "the whole session"
            if class_type.room_id == resource.pk
            else f"{class_type.equipment_per_attendee} per seat",
        )
        for class_type in _class_types_using([resource.pk]).order_by("name")
    ]
    return services + class_types


def _class_types_using(resource_ids: list[int]) -> QuerySet[ClassType]:
    return ClassType.objects.filter(
        Q(room_id__in=resource_ids) | Q(equipment_id__in=resource_ids, equipment_per_attendee__gt=0)
    )


def resource_users_count(*, resources: list[Resource]) -> dict[int, int]:
    """How many services and class types need each of `resources` (two queries)."""
    ids = [r.pk for r in resources]
    counts = dict.fromkeys(ids, 0)
    for resource_id, n in (
        ServiceResourceNeed.objects.filter(resource_id__in=ids)
        .values("resource_id")
        .annotate(n=Count("id"))
        .values_list("resource_id", "n")
    ):
        counts[resource_id] += n
    for class_type in _class_types_using(ids).only("room_id", "equipment_id"):
        for used_id in {class_type.room_id, class_type.equipment_id}:
            if used_id is not None and used_id in counts:
                counts[used_id] += 1
    return counts
