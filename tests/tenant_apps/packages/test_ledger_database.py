"""The ledger's rules hold in the database itself, whatever code writes to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import (
    CreditEntry,
    CreditEntryKind,
    CustomerPackage,
    PackageProduct,
)
from tenants.models import Tenant

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _package(alpha: Tenant) -> CustomerPackage:
    customer = Customer.objects.create(full_name="Lena Ledger", email="lena@example.com")
    product = PackageProduct.objects.create(name="Five", credits=5, currency="GBP")
    return CustomerPackage.objects.create(
        customer=customer,
        product=product,
        name=product.name,
        credits_total=5,
        price_paid=product.price,
        currency="GBP",
        sale_method="cash",
        purchased_at=NOW,
        validity_days=90,
        validity_from="purchase",
    )


def _entry(package: CustomerPackage, kind: str, amount: int) -> CreditEntry:
    return CreditEntry.objects.create(
        package=package, kind=kind, amount=amount, actor_label="test", created_at=NOW
    )


def test_an_entry_moves_the_balance_and_records_it(in_alpha: Tenant) -> None:
    package = _package(in_alpha)
    purchase = _entry(package, CreditEntryKind.PURCHASE, 5)
    use = _entry(package, CreditEntryKind.USE, -2)

    package.refresh_from_db()
    assert package.balance == 3
    assert [purchase.balance_after, use.balance_after] == [5, 3]


def test_overspending_fails_and_writes_nothing(in_alpha: Tenant) -> None:
    package = _package(in_alpha)
    _entry(package, CreditEntryKind.PURCHASE, 5)

    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(package, CreditEntryKind.USE, -6)

    package.refresh_from_db()
    assert package.balance == 5
    assert package.entries.count() == 1


def test_entries_are_append_only(in_alpha: Tenant) -> None:
    package = _package(in_alpha)
    entry = _entry(package, CreditEntryKind.PURCHASE, 5)

    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).update(amount=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).delete()

    assert CreditEntry.objects.get(pk=entry.pk).amount == 5


def test_the_balance_moves_only_through_entries(in_alpha: Tenant) -> None:
    package = _package(in_alpha)
    _entry(package, CreditEntryKind.PURCHASE, 5)

    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        CustomerPackage.objects.filter(pk=package.pk).update(balance=500)

    package.refresh_from_db()
    assert package.balance == 5
    # Other columns stay editable (the expiry warning, a merge moving the customer).
    CustomerPackage.objects.filter(pk=package.pk).update(expiry_warned_at=NOW)
    assert connection.in_atomic_block
