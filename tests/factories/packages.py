"""Factories for credit packages (use inside a studio schema: `in_alpha`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import factory

from tenant_apps.catalog.models import Service
from tenant_apps.classes.models import ClassType
from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import (
    CreditEntry,
    CreditEntryKind,
    CustomerPackage,
    PackageProduct,
    SaleMethod,
    ValidityStart,
)


class PackageProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackageProduct
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pass {n}")
    credits = 5
    price = Decimal("60.00")
    currency = "GBP"
    validity_days = 30


def class_type_create(name: str = "Reformer", **fields: object) -> ClassType:
    return ClassType.objects.create(name=name, currency="GBP", **fields)


def package_give(
    *,
    customer: Customer,
    product: PackageProduct,
    purchased_at: datetime,
    credits: int | None = None,
) -> CustomerPackage:
    """A package as the desk would sell it, with its purchase entry (written straight to the
    tables: the tests of package_sell check the service itself)."""
    total = product.credits if credits is None else credits
    from_purchase = product.validity_from == ValidityStart.PURCHASE
    package = CustomerPackage.objects.create(
        customer=customer,
        product=product,
        name=product.name,
        credits_total=total,
        price_paid=product.price,
        currency=product.currency,
        sale_method=SaleMethod.CASH,
        purchased_at=purchased_at,
        validity_days=product.validity_days,
        validity_from=product.validity_from,
        expires_at=purchased_at + timedelta(days=product.validity_days) if from_purchase else None,
    )
    CreditEntry.objects.create(
        package=package,
        kind=CreditEntryKind.PURCHASE,
        amount=total,
        actor_label="test",
        created_at=purchased_at,
    )
    package.refresh_from_db()
    return package


def product_covering(
    *, services: Sequence[Service] = (), class_types: Sequence[ClassType] = (), **fields: object
) -> PackageProduct:
    product = PackageProductFactory(**fields)
    product.services.set(services)
    product.class_types.set(class_types)
    return product
