"""Reads of a studio's customers and their booking history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, Count, Min, Q, QuerySet
from django.db.models.expressions import RawSQL

from shared_apps.core.errors import NotFoundError
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus


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


# --- the owner app's customer screens ------------------------------------------------------


def _has_tag(value: str, *, partial: bool) -> RawSQL:
    # Tags keep the spelling they were given; "vip" finds "VIP". The value is a parameter.
    if partial:
        return RawSQL(
            'EXISTS (SELECT 1 FROM unnest("customers_customer"."tags") AS t '
            "WHERE lower(t) LIKE lower(%s))",
            [f"%{_like_escape(value)}%"],
            output_field=BooleanField(),
        )
    return RawSQL(
        'EXISTS (SELECT 1 FROM unnest("customers_customer"."tags") AS t '
        "WHERE lower(t) = lower(%s))",
        [value],
        output_field=BooleanField(),
    )


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def customer_search(*, query: str = "", tag: str = "", now: datetime) -> QuerySet[Customer]:
    """Customers whose name, email, phone or a tag contains `query`, and who have `tag` (exact,
    any case), with `booking_count` and `next_start` (their next active booking)."""
    customers = Customer.objects.all()
    if query := query.strip():
        customers = customers.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
            | Q(_has_tag(query, partial=True))
        )
    if tag := tag.strip():
        customers = customers.filter(_has_tag(tag, partial=False))
    return customers.annotate(
        booking_count=Count("appointments"),
        next_start=Min(
            "appointments__start",
            filter=Q(appointments__start__gte=now, appointments__status__in=ACTIVE_STATUSES),
        ),
    ).order_by("full_name", "id")


def customer_tag_list() -> list[str]:
    """Every tag in use, once (the first spelling met), sorted without regard to case."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT DISTINCT ON (lower(t)) t FROM "customers_customer", '
            'unnest("customers_customer"."tags") AS t ORDER BY lower(t), t'
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class CustomerHistory:
    upcoming: list[Appointment]
    past: list[Appointment]
    total: int
    completed: int
    no_shows: int
    cancelled: int


def customer_history_get(*, customer: Customer, now: datetime, past_limit: int) -> CustomerHistory:
    """The profile's booking history: upcoming bookings soonest first (pending and confirmed),
    and the latest `past_limit` of the rest, newest first (anything that started already, and
    cancelled or rejected future bookings), with counts by outcome."""
    appointments = Appointment.objects.filter(customer=customer).select_related("service", "staff")
    upcoming_q = Q(start__gte=now, status__in=ACTIVE_STATUSES)
    counts = appointments.aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(status=AppointmentStatus.COMPLETED)),
        no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
    )
    return CustomerHistory(
        upcoming=list(appointments.filter(upcoming_q).order_by("start", "id")),
        past=list(appointments.exclude(upcoming_q).order_by("-start", "-id")[:past_limit]),
        **counts,
    )


def customer_duplicate_candidates(*, customer: Customer, query: str = "") -> list[Customer]:
    """Other customers that may be the same person: `query` if given (name, email, phone), else
    the same name, the same phone or the same mailbox name at another domain."""
    others = Customer.objects.exclude(pk=customer.pk)
    if query := query.strip():
        found = others.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
        )
    else:
        match = Q(full_name__iexact=customer.full_name)
        if customer.phone:
            match |= Q(phone=customer.phone)
        mailbox = customer.email.split("@", 1)[0]
        if len(mailbox) >= 3:
            match |= Q(email__istartswith=f"{mailbox}@")
        found = others.filter(match)
    return list(found.order_by("full_name", "id")[:20])
