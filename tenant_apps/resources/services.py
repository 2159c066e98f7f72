"""Writes for rooms and equipment: reserving units for a holder (an appointment or a class
session), releasing and moving them, and keeping the studio's resources.

Reserving runs inside the caller's transaction: the needed resource rows are locked (one
SELECT ... FOR UPDATE, ordered by id, so two holders needing the same pair never deadlock), the
units already held over the span are read in one query, the lowest free unit numbers are taken
and inserted in one statement. The per-unit exclusion constraint stays the last word: a 23P01
violation becomes the same 409 as the check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError

from shared_apps.core.db_races import lost_exclusion_race
from shared_apps.core.errors import ConflictError, ValidationFailedError
from tenant_apps.catalog.models import Service
from tenant_apps.resources.errors import ResourceUnavailableError
from tenant_apps.resources.models import Reservation, Resource, ServiceResourceNeed
from tenant_apps.resources.needs import ResourceNeed, needs_merge

if TYPE_CHECKING:
    from tenant_apps.classes.models import ClassSession
    from tenant_apps.scheduling.models import Appointment


def _plural(name: str) -> str:
    return name if name.endswith("s") else f"{name}s"


def resource_unavailable_detail(
    *, name: str, quantity: int, free: int, need: int, is_active: bool = True
) -> str:
    """The sentence a person reads when `need` units of a resource can't be had."""
    if not is_active:
        return f"{name} is no longer available for bookings."
    if quantity == 1:
        return f"{name} is already in use at this time."
    if need > quantity:
        return f"This needs {need} {_plural(name)}, but the studio has {quantity}."
    if free == 0:
        return f"All {quantity} {_plural(name)} are in use at this time."
    return f"Only {free} of {quantity} {_plural(name)} are free at this time; this needs {need}."


def _holder_filter(
    appointment: Appointment | None, class_session: ClassSession | None
) -> dict[str, object]:
    if (appointment is None) == (class_session is None):
        raise ValueError("give exactly one holder: an appointment or a class session")
    return (
        {"appointment": appointment}
        if appointment is not None
        else {"class_session": class_session}
    )


def _lock(
    resource_ids: Sequence[int], holder: dict[str, object] | None = None
) -> dict[int, Resource]:
    """Lock the resources (and, with `holder`, those it holds now) in one ordered query."""
    condition = Q(pk__in=resource_ids)
    if holder is not None:
        condition |= Q(
            pk__in=Reservation.objects.filter(is_active=True, **holder).values("resource_id")
        )
    locked = (
        Resource.objects.select_for_update()
        .filter(condition)
        .order_by("pk")
        .only("pk", "name", "quantity", "is_active")
    )
    return {resource.pk: resource for resource in locked}


@contextmanager
def _exclusion_as_conflict(resource: Resource | None) -> Iterator[None]:
    # Only a writer that skipped the lock could get here; the caller's transaction is aborted
    # by the violation, and the error's way out through its atomic block rolls it back.
    try:
        yield
    except (IntegrityError, OperationalError) as exc:
        if not lost_exclusion_race(exc):  # a 23P01, or the deadlock two racing inserts meet
            raise
        name = resource.name if resource is not None else "A resource"
        raise ResourceUnavailableError(
            f"{name} was just taken by another booking. Please pick another time.",
            resource_id=resource.pk if resource is not None else None,
        ) from exc


def _reserve_locked(
    *,
    needs: list[ResourceNeed],
    resources: dict[int, Resource],
    start: datetime,
    end: datetime,
    holder: dict[str, object],
) -> list[Reservation]:
    held: dict[int, set[int]] = defaultdict(set)
    for resource_id, unit in (
        Reservation.objects.filter(
            resource_id__in=[n.resource_id for n in needs],
            is_active=True,
            start__lt=end,
            end__gt=start,
        )
        .values_list("resource_id", "unit")
        .distinct()
    ):
        held[resource_id].add(unit)
    rows: list[Reservation] = []
    for need in needs:
        resource = resources.get(need.resource_id)
        if resource is None:
            raise ResourceUnavailableError(
                "A room or piece of equipment this needs no longer exists.",
                resource_id=need.resource_id,
            )
        free = [u for u in range(1, resource.quantity + 1) if u not in held[resource.pk]]
        if not resource.is_active or len(free) < need.quantity:
            raise ResourceUnavailableError(
                resource_unavailable_detail(
                    name=resource.name,
                    quantity=resource.quantity,
                    free=len(free),
                    need=need.quantity,
                    is_active=resource.is_active,
                ),
                resource_id=resource.pk,
            )
        rows.extend(
            Reservation(resource=resource, unit=unit, start=start, end=end, **holder)
            for unit in free[: need.quantity]
        )
    only = resources[needs[0].resource_id] if len(needs) == 1 else None
    with _exclusion_as_conflict(only):
        return Reservation.objects.bulk_create(rows)


def resources_reserve(
    *,
    needs: Sequence[ResourceNeed],
    start: datetime,
    end: datetime,
    appointment: Appointment | None = None,
    class_session: ClassSession | None = None,
) -> list[Reservation]:
    """Hold `needs` over [start, end) for the holder (exactly one of appointment and
    class_session), inside the caller's transaction. Raises ResourceUnavailableError (409,
    code resource_unavailable) naming the resource when not enough units are free or it is
    switched off; nothing is written then. No needs: no query at all."""
    holder = _holder_filter(appointment, class_session)
    merged = needs_merge(needs)
    if not merged:
        return []
    if start >= end:
        raise ValueError("a reservation starts before it ends")
    resources = _lock([n.resource_id for n in merged])
    return _reserve_locked(needs=merged, resources=resources, start=start, end=end, holder=holder)


def reservations_release(
    *, appointment: Appointment | None = None, class_session: ClassSession | None = None
) -> int:
    """Free every unit the holder holds (the rows stay, inactive, for the record); how many."""
    holder = _holder_filter(appointment, class_session)
    return Reservation.objects.filter(is_active=True, **holder).update(is_active=False)


def reservations_move(
    *,
    needs: Sequence[ResourceNeed],
    start: datetime,
    end: datetime,
    appointment: Appointment | None = None,
    class_session: ClassSession | None = None,
) -> list[Reservation]:
    """The holder's units over a new span (or for new needs): its current ones released and
    `needs` reserved again, so its own old rows never block it. Everything the holder holds or
    will hold is locked first, in one ordered query, before anything is released: a release
    that waited for a lock while holding freed rows could deadlock with a concurrent reserve."""
    holder = _holder_filter(appointment, class_session)
    merged = needs_merge(needs)
    if merged and start >= end:
        raise ValueError("a reservation starts before it ends")
    resources = _lock([n.resource_id for n in merged], holder)
    if resources:
        Reservation.objects.filter(is_active=True, **holder).update(is_active=False)
    if not merged:
        return []
    return _reserve_locked(needs=merged, resources=resources, start=start, end=end, holder=holder)


# --- the studio's resources -------------------------------------------------------------------

RESOURCE_FIELDS = ("name", "kind", "quantity", "description", "color", "is_active")
INVALID = "Check the fields listed in errors."


class ResourceInUseError(ConflictError):
    code = "resource_in_use"
    title = "This resource is in use"


def _resource_problems(resource: Resource) -> dict[str, list[str]]:
    """The model's own validators (lengths, choices, colour, quantity at least 1)."""
    problems: dict[str, list[str]] = {}
    try:
        resource.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = {
            field: [str(m) for m in messages] for field, messages in exc.message_dict.items()
        }
    if not resource.name.strip():
        problems.setdefault("name", []).append("Give it a name, e.g. Reformer or Small studio.")
    if resource.quantity is not None and resource.quantity < 1:
        problems.setdefault("quantity", []).append("A resource has at least one unit.")
    return problems


def _quantity_problems(resource: Resource, quantity: int, now: datetime) -> list[str]:
    """Why `resource` can't have `quantity` units: upcoming reservations hold higher units, or
    a service needs more than that."""
    problems = []
    highest = (
        Reservation.objects.filter(resource=resource, is_active=True, end__gt=now)
        .order_by("-unit")
        .values_list("unit", flat=True)
        .first()
    )
    if highest is not None and highest > quantity:
        problems.append(
            f"An upcoming booking holds unit {highest} of it. Lower the quantity once that "
            "booking is over, or move or cancel it first."
        )
    needing = (
        ServiceResourceNeed.objects.filter(resource=resource, quantity__gt=quantity)
        .select_related("service")
        .order_by("service__name")
        .first()
    )
    if needing is not None:
        problems.append(
            f"“{needing.service.name}” needs {needing.quantity} of it per booking. "
            "Change what it needs first."
        )
    return problems


def _resource_write(
    resource: Resource, data: Mapping[str, Any], *, created: bool, now: datetime
) -> Resource:
    values = dict(data)
    if "name" in values:
        values["name"] = str(values["name"]).strip()
    old_quantity = resource.quantity
    changed = [
        name
        for name in RESOURCE_FIELDS
        if name in values and getattr(resource, name) != values[name]
    ]
    for name in changed:
        setattr(resource, name, values[name])
    problems = _resource_problems(resource)
    with transaction.atomic():
        lowered = not created and "quantity" in changed and "quantity" not in problems
        if lowered and resource.quantity < old_quantity:
            # Locked as a reservation locks it: nobody takes a unit above the new quantity
            # while it is being lowered.
            list(Resource.objects.select_for_update().filter(pk=resource.pk).values("pk"))
            quantity_problems = _quantity_problems(resource, resource.quantity, now)
            if quantity_problems:
                problems["quantity"] = quantity_problems
        if problems:
            raise ValidationFailedError(INVALID, errors=problems)
        if created:
            resource.save()
        elif changed:
            resource.save(update_fields=[*changed, "updated_at"])
    return resource


def resource_create(*, data: Mapping[str, Any], now: datetime) -> Resource:
    """A new room or piece of equipment (`data`: name, kind, quantity, description, colour)."""
    return _resource_write(Resource(), data, created=True, now=now)


def resource_update(*, resource: Resource, data: Mapping[str, Any], now: datetime) -> Resource:
    """Change the given fields. The quantity can't go below the units upcoming bookings hold
    at once, nor below what a service needs per booking (field errors on quantity)."""
    return _resource_write(resource, data, created=False, now=now)


def resource_delete(*, resource: Resource) -> None:
    """Delete a resource nothing ever used. Used ones keep their history: deactivate them
    instead (ResourceInUseError)."""
    try:
        with transaction.atomic():
            resource.delete()
    except ProtectedError as exc:
        raise ResourceInUseError(
            "Bookings, services or class types use this resource, so it can't be deleted. "
            "Deactivate it instead (is_active: false): nothing can reserve it any more.",
        ) from exc


def service_resource_needs_problems(
    needs: Sequence[Mapping[str, Any]],
) -> tuple[list[ResourceNeed], dict[str, list[str]]]:
    """`needs` ({"resource": id, "quantity": n} items) as ResourceNeed values, and the
    problems under resource_needs.<index>.<field>: unknown or switched-off resources, the same
    resource twice, more units than there are."""
    ids = [int(item["resource"]) for item in needs]
    known = {
        r.pk: r
        for r in Resource.objects.filter(pk__in=ids).only("pk", "name", "quantity", "is_active")
    }
    problems: dict[str, list[str]] = {}
    seen: set[int] = set()
    parsed: list[ResourceNeed] = []
    for index, item in enumerate(needs):
        resource_id, quantity = int(item["resource"]), int(item.get("quantity", 1))
        key = f"resource_needs.{index}"
        resource = known.get(resource_id)
        if resource is None:
            problems[f"{key}.resource"] = [f"No resource with id {resource_id} in this studio."]
        elif resource_id in seen:
            problems[f"{key}.resource"] = [f"{resource.name} is listed twice."]
        elif not resource.is_active:
            problems[f"{key}.resource"] = [f"{resource.name} is deactivated."]
        elif quantity < 1:
            problems[f"{key}.quantity"] = ["Need at least one."]
        elif quantity > resource.quantity:
            problems[f"{key}.quantity"] = [
                f"The studio has {resource.quantity} of {resource.name}."
            ]
        else:
            parsed.append(ResourceNeed(resource_id, quantity))
        seen.add(resource_id)
    return parsed, problems


def service_resource_needs_set(*, service: Service, needs: Sequence[ResourceNeed]) -> None:
    """Replace what one booking of `service` holds (already checked by
    service_resource_needs_problems). Existing bookings keep what they hold; a reschedule
    reserves the new needs."""
    with transaction.atomic():
        ServiceResourceNeed.objects.filter(service=service).delete()
        ServiceResourceNeed.objects.bulk_create(
            ServiceResourceNeed(service=service, resource_id=n.resource_id, quantity=n.quantity)
            for n in needs_merge(needs)
        )
