"""Demo data for credit packages: three products and packages sold to some demo customers, with
a use history (one nearly used up, one about to expire, one expired).

Products cover the demo's private services by name and, when the classes demo has created them,
class types by name (a later run adds coverage that was missing). Sales are written through the
services, back-dated, so the ledger is the real one. Idempotent: products are found by name and
sales happen once (when no package was sold yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import Service
from tenant_apps.classes.models import ClassType
from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import (
    CustomerPackage,
    PackageProduct,
    SaleMethod,
    ValidityStart,
)
from tenant_apps.packages.services import credits_use, package_sell, packages_expire
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.services import Actor


@dataclass(frozen=True)
class DemoProduct:
    name: str
    description: str
    credits: int
    price: str
    validity_days: int
    validity_from: str
    services: tuple[str, ...]  # names of services it pays for
    class_types_containing: tuple[str, ...]  # class types whose name contains one of these


PRODUCTS = (
    DemoProduct(
        "5 reformer classes",
        "Five reformer classes, valid for two months from the purchase.",
        5,
        "85.00",
        60,
        ValidityStart.PURCHASE,
        (),
        ("reformer",),
    ),
    DemoProduct(
        "10-class pass",
        "Ten classes of any kind; the three months start at your first class.",
        10,
        "150.00",
        90,
        ValidityStart.FIRST_USE,
        (),
        ("",),  # every class type
    ),
    DemoProduct(
        "Intro: 3 private sessions",
        "Three one-to-one sessions to start well: reformer, Pilates basics or yoga.",
        3,
        "150.00",
        45,
        ValidityStart.PURCHASE,
        ("Private Reformer Session", "Intro to Pilates (1:1)", "Private Yoga"),
        (),
    ),
)


def _product(spec: DemoProduct, *, currency: str) -> PackageProduct:
    product, _ = PackageProduct.objects.get_or_create(
        name=spec.name,
        defaults={
            "description": spec.description,
            "credits": spec.credits,
            "price": Decimal(spec.price),
            "currency": currency,
            "validity_days": spec.validity_days,
            "validity_from": spec.validity_from,
            "sold_online": True,
        },
    )
    product.services.add(*Service.objects.filter(name__in=spec.services))
    class_types = [
        class_type
        for class_type in ClassType.objects.all()
        if any(part in class_type.name.lower() for part in spec.class_types_containing)
    ]
    product.class_types.add(*class_types)
    return product


def _appointments_of(customer: Customer, service: Service) -> list[Appointment | None]:
    """The customer's first two bookings of the service (None where there are fewer), each paid
    by one use of credits."""
    found: list[Appointment | None] = list(
        Appointment.objects.filter(customer=customer, service=service).order_by("start")[:2]
    )
    return found + [None] * (2 - len(found))


def packages_demo_seed(*, now: datetime, currency: str, owner: User) -> int:
    """In the demo studio's schema. Returns how many packages were sold."""
    with transaction.atomic():
        products = {spec.name: _product(spec, currency=currency) for spec in PRODUCTS}
        if CustomerPackage.objects.exists():
            return 0
        customers = list(Customer.objects.order_by("created_at", "id")[:5])
        if len(customers) < 5:
            return 0
        desk = Actor.for_user(owner)
        intro = products["Intro: 3 private sessions"]
        private = intro.services.order_by("name").first()
        sold = 0

        # Two intro sessions used, one left; it expires in five days (the warning is due).
        bought = now - timedelta(days=40)
        package_sell(
            customer=customers[0],
            product=intro,
            sale_method=SaleMethod.CARD_TERMINAL,
            actor=desk,
            now=bought,
        )
        sold += 1
        if private is not None:
            paid = _appointments_of(customers[0], private)
            for days, appointment in zip((19, 33), paid, strict=True):
                credits_use(
                    customer=customers[0],
                    credits=1,
                    now=bought + timedelta(days=days),
                    actor=desk,
                    service=private,
                    appointment=appointment,
                )
        # A fresh intro pack, paid in cash with a discount.
        package_sell(
            customer=customers[1],
            product=intro,
            sale_method=SaleMethod.CASH,
            price_paid=Decimal("135.00"),
            actor=desk,
            now=now - timedelta(days=3),
        )
        # Class packs: one unused 10-class pass (its validity starts at the first class), and
        # a 5-reformer pack bought long ago that has expired.
        package_sell(
            customer=customers[2],
            product=products["10-class pass"],
            sale_method=SaleMethod.CARD_TERMINAL,
            actor=desk,
            now=now - timedelta(days=10),
        )
        package_sell(
            customer=customers[3],
            product=products["5 reformer classes"],
            sale_method=SaleMethod.OTHER,
            actor=desk,
            now=now - timedelta(days=75),
        )
        package_sell(
            customer=customers[4],
            product=products["5 reformer classes"],
            sale_method=SaleMethod.CARD_TERMINAL,
            actor=desk,
            now=now - timedelta(days=12),
        )
        sold += 4
        packages_expire(now=now)
    return sold
