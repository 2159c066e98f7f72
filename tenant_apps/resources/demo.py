"""The demo studio's rooms and equipment (idempotent, run inside the studio's schema after the
scheduling demo): a reformer studio, a small studio and twelve reformers; a private reformer
session holds one reformer and the small studio."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from tenant_apps.catalog.models import Service
from tenant_apps.resources.errors import ResourceUnavailableError
from tenant_apps.resources.models import Reservation, Resource, ResourceKind, ServiceResourceNeed
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import resources_reserve
from tenant_apps.scheduling.errors import SlotUnavailableError
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services import Actor, appointment_transition

RESOURCES = [
    # name, kind, quantity, colour, description
    (
        "Reformer studio",
        ResourceKind.ROOM,
        1,
        "#2f9e8f",
        "The big room upstairs with the twelve reformers, for classes.",
    ),
    (
        "Small studio",
        ResourceKind.ROOM,
        1,
        "#d9822b",
        "The quiet room at the back, for one-to-one sessions.",
    ),
    (
        "Reformer",
        ResourceKind.EQUIPMENT,
        12,
        "#8a6ef7",
        "Balanced Body Allegro 2 reformers; one is wheeled into the small studio for privates.",
    ),
]
# Service name -> (resource name, units per booking).
NEEDS = {"Private Reformer Session": (("Reformer", 1), ("Small studio", 1))}
# Bookings that hold their resources (cancelled and rejected ones gave them back).
HOLDING = (
    AppointmentStatus.PENDING,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)


def resources_demo_seed(*, now: datetime, studio_timezone: str) -> dict[str, Resource]:
    """The resources by name. Bookings made before the needs existed get their units; an
    upcoming one that finds the small studio taken is cancelled, as the desk would."""
    resources = {}
    for name, kind, quantity, color, description in RESOURCES:
        resources[name], _ = Resource.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "quantity": quantity,
                "color": color,
                "description": description,
            },
        )
    for service_name, needs in NEEDS.items():
        service = Service.objects.filter(name=service_name).first()
        if service is None:
            continue
        for resource_name, quantity in needs:
            ServiceResourceNeed.objects.get_or_create(
                service=service,
                resource=resources[resource_name],
                defaults={"quantity": quantity},
            )
        _hold_existing(service, now=now, studio_timezone=studio_timezone)
    return resources


def _hold_existing(service: Service, *, now: datetime, studio_timezone: str) -> None:
    needs = [
        ResourceNeed(n.resource_id, n.quantity)
        for n in ServiceResourceNeed.objects.filter(service=service)
    ]
    holding = Reservation.objects.filter(is_active=True).values("appointment_id")
    unheld = (
        Appointment.objects.filter(service=service, status__in=HOLDING)
        .exclude(pk__in=holding)
        .order_by("start", "pk")
    )
    desk = Actor(label="Front desk (demo)")
    for appointment in unheld:
        try:
            with transaction.atomic():
                resources_reserve(
                    needs=needs,
                    start=appointment.blocked_start,
                    end=appointment.blocked_end,
                    appointment=appointment,
                )
        except ResourceUnavailableError:
            if appointment.status not in (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED):
                continue  # history: it happened, whichever room it used
            try:
                appointment_transition(
                    appointment=appointment,
                    to_status=AppointmentStatus.CANCELLED,
                    actor=desk,
                    now=now,
                    studio_timezone=studio_timezone,
                    reason="The small studio was already booked at this time.",
                )
            except SlotUnavailableError:
                continue
