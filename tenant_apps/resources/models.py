"""Rooms and equipment with a quantity, what services need of them, and the reservations that
hold them (tenant schema).

A resource with a quantity of 12 (twelve reformers) is a pool of 12 numbered units. A reservation
holds one unit over a time span; a booking that needs three reformers holds three units. No two
active reservations of the same unit may overlap: PostgreSQL's exclusion constraint says so, per
unit, whatever the concurrency (the services still pick free units under a lock on the resource
row, so users get a clean 409 instead of a constraint error).
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from tenant_apps.catalog.models import COLOR_VALIDATOR, Service
from tenant_apps.scheduling.models import Appointment, TsTzRange


class ResourceKind(models.TextChoices):
    ROOM = "room", "Room"
    EQUIPMENT = "equipment", "Equipment"


class Resource(models.Model):
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    # How many identical units (12 reformers); a room is usually 1.
    quantity = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#8a6ef7", validators=[COLOR_VALIDATOR])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="resource_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.quantity})" if self.quantity > 1 else self.name


class ServiceResourceNeed(models.Model):
    """What one booking of a service holds: e.g. 1 reformer and the small room."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="resource_needs")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="service_needs")
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["service_id", "resource_id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "resource"], name="service_need_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="service_need_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} needs {self.quantity} x {self.resource_id}"


class Reservation(models.Model):
    """One unit of a resource held by an appointment or a class session over [start, end)
    (the holder's time including its buffers). Released reservations stay, inactive."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="reservations")
    unit = models.PositiveIntegerField()  # 1..resource.quantity
    start = models.DateTimeField()
    end = models.DateTimeField()
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    class_session = models.ForeignKey(
        "classes.ClassSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "resource_id", "unit"]
        indexes = [models.Index(fields=["resource", "start"], name="reservation_resource_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="reservation_start_before_end"
            ),
            models.CheckConstraint(condition=Q(unit__gte=1), name="reservation_unit_positive"),
            models.CheckConstraint(
                condition=(Q(appointment__isnull=False) & Q(class_session__isnull=True))
                | (Q(appointment__isnull=True) & Q(class_session__isnull=False)),
                name="reservation_one_holder",
            ),
            # No unit is ever held twice at once, enforced by PostgreSQL.
            ExclusionConstraint(
                name="reservation_no_overlap",
                expressions=[
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                    ("resource", RangeOperators.EQUAL),
                    ("unit", RangeOperators.EQUAL),
                ],
                condition=Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}#{self.unit} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}"
