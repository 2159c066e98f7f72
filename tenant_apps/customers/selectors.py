"""Reads of a studio's customers and their booking history."""

from __future__ import annotations

from django.db.models import QuerySet

from shared_apps.core.errors import NotFoundError
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment


def customer_list() -> QuerySet[Customer]:
    return Customer.objects.all()


def customer_get(*, customer_id: int) -> Customer:
    """The access function for customers: every member of the studio sees all of them; ids of
    other studios (or none) raise NotFoundError."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFoundError("No such customer in this studio.")
    return customer


def customer_appointment_list(*, customer: Customer) -> QuerySet[Appointment]:
    """Every booking of the customer, whatever its status, the newest first."""
    return (
        Appointment.objects.filter(customer=customer)
        .select_related("service", "staff")
        .order_by("-start", "-id")
    )
