"""Writes for customers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from shared_apps.core.errors import ConflictError, ValidationFailedError
from tenant_apps.customers.models import Customer
from tenant_apps.studio.services import phone_problems


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


# --- owner-side management (the API and the owner app) -------------------------------------

CUSTOMER_FIELDS = ("full_name", "email", "phone", "notes", "tags", "marketing_consent")
MAX_TAGS = 20


class CustomerEmailTakenError(ConflictError):
    code = "customer_email_taken"
    title = "Another customer has this email address"


class CustomerInUseError(ConflictError):
    code = "customer_in_use"
    title = "This customer has appointments"


def _tags_clean(tags: list[str]) -> list[str]:
    """Tags without surrounding spaces, blanks or repeats (first spelling kept)."""
    seen: set[str] = set()
    cleaned = []
    for tag in (t.strip() for t in tags):
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    return cleaned


def _email_taken(email: str) -> CustomerEmailTakenError:
    return CustomerEmailTakenError(
        f"Another customer already has the email address {email}.",
        errors={"email": ["Another customer already has this email address."]},
    )


def _customer_write(customer: Customer, data: Mapping[str, Any], *, created: bool) -> Customer:
    values = dict(data)
    for name in ("full_name", "email", "phone"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if "tags" in values:
        values["tags"] = _tags_clean(values["tags"])
    changed = [
        name
        for name in CUSTOMER_FIELDS
        if name in values and getattr(customer, name) != values[name]
    ]
    for name in changed:
        setattr(customer, name, values[name])
    problems: dict[str, list[str]] = {}
    if not customer.full_name:
        problems["full_name"] = ["Enter the customer's name."]
    if phone := phone_problems(customer.phone):
        problems["phone"] = phone
    if len(customer.tags) > MAX_TAGS:
        problems["tags"] = [f"Use at most {MAX_TAGS} tags."]
    try:
        customer.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems.setdefault(field, [str(m) for m in messages])
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    if Customer.objects.filter(email__iexact=customer.email).exclude(pk=customer.pk).exists():
        raise _email_taken(customer.email)
    try:
        with transaction.atomic():
            if created:
                customer.save()
            elif changed:
                customer.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:
        # Another request took the address between the check and the write.
        if "customer_unique_email_ci" not in str(exc):
            raise
        raise _email_taken(customer.email) from exc
    return customer


def customer_create(*, data: Mapping[str, Any]) -> Customer:
    """A new customer. Email addresses are unique in a studio, whatever their case
    (CustomerEmailTakenError)."""
    return _customer_write(Customer(), data, created=True)


def customer_update(*, customer: Customer, data: Mapping[str, Any]) -> Customer:
    return _customer_write(customer, data, created=False)


def customer_delete(*, customer: Customer) -> None:
    """Delete a customer without appointments. Customers who booked keep their history
    (CustomerInUseError); erasing a person's data is a separate GDPR operation."""
    try:
        with transaction.atomic():
            customer.delete()
    except ProtectedError as exc:
        raise CustomerInUseError(
            "This customer has appointments, so the record is kept with their booking history."
        ) from exc
