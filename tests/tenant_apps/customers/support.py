"""Helpers for the customer screen tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.utils import timezone

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create

ANY_TIME = replace(OWNER_CHECKS, allow_outside_hours=True)


def booking(
    service: Service,
    staff: StaffMember,
    customer: Customer,
    start: datetime,
    status: AppointmentStatus = AppointmentStatus.CONFIRMED,
) -> Appointment:
    """A booking made at the desk at any hour (past or future), then set to `status`."""
    appointment = appointment_create(
        service=service,
        staff=staff,
        customer=customer,
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Test"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=ANY_TIME,
    )
    if appointment.status != status:
        appointment.status = status
        appointment.save(update_fields=["status"])
    return appointment
