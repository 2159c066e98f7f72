"""Writes for customers."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from tenant_apps.customers.models import Customer


def customer_get_or_create(*, email: str, full_name: str, phone: str = "") -> Customer:
    """The customer with this email (case-insensitive), created if new. Safe under races: the
    unique index on lower(email) decides, and the loser reads the winner's row."""
    email = email.strip()
    existing = Customer.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Customer.objects.create(email=email, full_name=full_name.strip(), phone=phone)
    except IntegrityError:
        return Customer.objects.get(email__iexact=email)
