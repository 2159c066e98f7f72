"""Writes of the booking wizard: a customer books a time on a booking page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentSource
from tenant_apps.scheduling.services import (
    PUBLIC_CHECKS,
    Actor,
    CustomerDetails,
    appointment_book,
)


@dataclass(frozen=True)
class WizardBooking:
    """What the customer chose and typed on the wizard's steps."""

    service: Service
    staff: StaffMember | None  # None: whoever is free ("any available")
    start: datetime
    full_name: str
    email: str
    phone: str
    answers: dict[str, Any]
    note: str
    marketing_consent: bool


def wizard_booking_create(
    *, page: BookingPage, booking: WizardBooking, now: datetime, studio_timezone: str
) -> Appointment:
    """Book through the same path as the public booking API (page offer and questions checked,
    public availability rules, customer found by email or created), and record the customer's
    marketing consent when they gave it, all in one transaction: a refused time changes
    nothing.

    Consent is only ever switched on here: leaving the box unticked on one booking does not
    withdraw what the customer agreed to before (they withdraw it in the portal or by asking
    the studio). It is a guarded UPDATE rather than customers.services.customer_update, which
    re-validates the whole record and would refuse the booking over an old record's phone
    number the customer never typed here."""
    with transaction.atomic():
        appointment = appointment_book(
            service=booking.service,
            staff=booking.staff,
            customer=CustomerDetails(
                full_name=booking.full_name, email=booking.email, phone=booking.phone
            ),
            start=booking.start,
            source=AppointmentSource.PUBLIC_PAGE,
            actor=Actor(label=f"{booking.full_name} (online booking)", by_customer=True),
            now=now,
            studio_timezone=studio_timezone,
            checks=PUBLIC_CHECKS,
            page=page,
            answers=booking.answers,
            customer_note=booking.note,
        )
        if booking.marketing_consent and not appointment.customer.marketing_consent:
            Customer.objects.filter(pk=appointment.customer_id).update(
                marketing_consent=True, updated_at=now
            )
            appointment.customer.marketing_consent = True
    return appointment
