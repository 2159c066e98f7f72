"""Reads of credit packages: a holder's use of credits, customers' packages and their ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from shared_apps.core.errors import NotFoundError
from tenant_apps.catalog.models import Service
from tenant_apps.classes.models import ClassType, Enrollment
from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import (
    CreditEntry,
    CreditEntryKind,
    CustomerPackage,
    PackageProduct,
)
from tenant_apps.packages.services import package_expiry_at
from tenant_apps.scheduling.models import Appointment

PAGE_SIZE = 25


def credit_use_for(
    *, appointment: Appointment | None = None, enrollment: Enrollment | None = None
) -> CreditEntry | None:
    """The use of credits that paid for this appointment or enrollment and has not been
    refunded yet (the latest, should it have been paid more than once)."""
    if (appointment is None) == (enrollment is None):
        raise ValueError("Pass exactly one of appointment or enrollment.")
    holder = {"appointment": appointment} if appointment is not None else {"enrollment": enrollment}
    return (
        CreditEntry.objects.filter(kind=CreditEntryKind.USE, refunded_by__isnull=True, **holder)
        .select_related("package")
        .order_by("-created_at", "-id")
        .first()
    )


def package_product_list() -> QuerySet[PackageProduct]:
    """Products with what they cover (services and class types, by name)."""
    return PackageProduct.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name").only("id", "name")),
        Prefetch("class_types", queryset=ClassType.objects.order_by("name").only("id", "name")),
    )


def package_product_page(*, status: str = "", page: int | str = 1) -> Page[Any]:
    """Products for the owner app: active first, by name; `status` "active" or "inactive"
    narrows them. Each carries `sold_count` (how many packages were sold)."""
    rows = package_product_list().annotate(sold_count=Count("sold"))
    if status == "active":
        rows = rows.filter(is_active=True)
    elif status == "inactive":
        rows = rows.filter(is_active=False)
    return Paginator(rows.order_by("-is_active", "name", "id"), PAGE_SIZE).get_page(page)


def package_product_get(*, product_id: int) -> PackageProduct:
    product = package_product_list().filter(pk=product_id).first()
    if product is None:
        raise NotFoundError("No such package product in this studio.")
    return product


def public_package_product_list() -> QuerySet[PackageProduct]:
    """What the studio offers customers (active products), cheapest first."""
    return package_product_list().filter(is_active=True).order_by("price", "name", "id")


def package_usable_q(*, now: datetime) -> Q:
    """Packages with credits left, not expired at `now` (a first-use package never used has no
    expiry yet)."""
    return Q(balance__gt=0) & (
        Q(expires_at__gt=now) | Q(expires_at__isnull=True, first_used_at__isnull=True)
    )


def customer_package_list(
    *, customer: Customer | None = None, active: bool | None = None, now: datetime
) -> QuerySet[CustomerPackage]:
    """Packages, newest first. `active`: with credits left and not expired at `now` (True), or
    the others (False)."""
    rows = CustomerPackage.objects.select_related("customer", "product")
    if customer is not None:
        rows = rows.filter(customer=customer)
    usable = package_usable_q(now=now)
    if active is True:
        rows = rows.filter(usable)
    elif active is False:
        rows = rows.exclude(usable)
    return rows.order_by("-purchased_at", "-id")


def customer_package_get(*, package_id: int) -> CustomerPackage:
    package = CustomerPackage.objects.select_related("customer", "product").filter(pk=package_id)
    found = package.first()
    if found is None:
        raise NotFoundError("No such package in this studio.")
    return found


def credit_entry_list(*, package: CustomerPackage) -> QuerySet[CreditEntry]:
    """A package's ledger, oldest first (as it happened)."""
    return CreditEntry.objects.filter(package=package).order_by("created_at", "id")


@dataclass(frozen=True)
class HeldPackage:
    """One of a customer's packages as the profile and the portal show it."""

    package: CustomerPackage
    usable: bool
    # "active", "not_started" (first-use package never used), "used_up" or "expired".
    state: str
    entries: list[CreditEntry]


def customer_credits_get(*, customer: Customer, now: datetime) -> list[HeldPackage]:
    """The customer's packages, usable ones first (soonest expiry first), each with its ledger
    newest first; two queries whatever the number of packages."""
    packages = list(
        CustomerPackage.objects.filter(customer=customer)
        .prefetch_related(
            Prefetch("entries", queryset=CreditEntry.objects.order_by("-created_at", "-id"))
        )
        .order_by("-purchased_at", "-id")
    )
    held = []
    for package in packages:
        if package.expires_at is not None and package.expires_at <= now:
            state = "expired"
        elif package.balance == 0:
            state = "used_up"
        elif package.expires_at is None:
            state = "not_started"
        else:
            state = "active"
        held.append(
            HeldPackage(
                package=package,
                usable=state in {"active", "not_started"},
                state=state,
                entries=list(package.entries.all()),
            )
        )
    far = datetime.max.replace(tzinfo=UTC)

    def order(h: HeldPackage) -> tuple[bool, datetime]:
        # Usable first, the soonest to expire on top; the sort is stable, so the rest stay
        # newest first.
        return (not h.usable, (h.package.expires_at or far) if h.usable else far)

    held.sort(key=order)
    return held


def customer_credits_total(*, held: list[HeldPackage]) -> int:
    return sum(h.package.balance for h in held if h.usable)


def credits_available_for(
    *,
    customer: Customer,
    now: datetime,
    service: Service | None = None,
    class_type: ClassType | None = None,
) -> list[CustomerPackage]:
    """The customer's packages that can pay for `service` (or `class_type`) at `now`, by the
    rules of packages.services.credits_use: covering it, not expired, credits left; in the
    order credits_use takes them (the soonest to expire first, a first-use package never used
    as if it were started `now`), so the first is the one a booking would draw from. One
    query."""
    if (service is None) == (class_type is None):
        raise ValueError("Pass exactly one of service or class_type.")
    rows = CustomerPackage.objects.filter(customer=customer).filter(package_usable_q(now=now))
    if service is not None:
        rows = rows.filter(product__services=service)
    else:
        rows = rows.filter(product__class_types=class_type)
    return sorted(rows, key=lambda p: (package_expiry_at(p, now=now), p.purchased_at, p.pk))


@dataclass(frozen=True)
class CreditPayment:
    """How an appointment was paid with credits: the latest use of credits for it, and its
    refund once the credits went back."""

    package_id: int
    package_name: str
    credits: int
    paid_at: datetime
    refunded_at: datetime | None


def appointment_credit_payment_get(*, appointment: Appointment) -> CreditPayment | None:
    """The appointment's payment with credits, refunded or not (None when it was not paid
    with credits). One query: the use, its package and its refund are joined."""
    use = (
        CreditEntry.objects.filter(appointment=appointment, kind=CreditEntryKind.USE)
        .select_related("package", "refunded_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if use is None:
        return None
    refund = getattr(use, "refunded_by", None)
    return CreditPayment(
        package_id=use.package_id,
        package_name=use.package.name,
        credits=-use.amount,
        paid_at=use.created_at,
        refunded_at=refund.created_at if refund is not None else None,
    )
