"""Products, desk sales and manual adjustments: exact packages and entries, field errors that
write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shared_apps.accounts.models import User
from shared_apps.core.errors import ValidationFailedError
from tenant_apps.packages.errors import (
    InsufficientCreditsError,
    ProductInactiveError,
    ProductInUseError,
)
from tenant_apps.packages.models import (
    CreditEntry,
    CustomerPackage,
    PackageProduct,
    SaleMethod,
    ValidityStart,
)
from tenant_apps.packages.services import (
    credits_adjust,
    package_product_create,
    package_product_delete,
    package_product_update,
    package_sell,
)
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import class_type_create, product_covering

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _ledger(package: CustomerPackage) -> list[tuple[str, int, int]]:
    return list(package.entries.order_by("id").values_list("kind", "amount", "balance_after"))


def test_a_product_is_created_in_the_studio_currency_with_its_coverage(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    reformer = class_type_create("Reformer")

    product = package_product_create(
        tenant=in_alpha,
        data={
            "name": "  10-class pass ",
            "credits": 10,
            "price": Decimal("120.00"),
            "validity_days": 90,
            "validity_from": ValidityStart.FIRST_USE,
            "services": [service.pk],
            "class_types": [reformer.pk, reformer.pk],
            "sold_online": True,
        },
    )

    product.refresh_from_db()
    assert (product.name, product.credits, product.price, product.currency) == (
        "10-class pass",
        10,
        Decimal("120.00"),
        "GBP",
    )
    assert (product.validity_days, product.validity_from, product.sold_online) == (
        90,
        "first_use",
        True,
    )
    assert list(product.services.values_list("pk", flat=True)) == [service.pk]
    assert list(product.class_types.values_list("pk", flat=True)) == [reformer.pk]


def test_a_bad_product_lists_every_problem_and_writes_nothing(in_alpha: Tenant) -> None:
    with pytest.raises(ValidationFailedError) as refused:
        package_product_create(
            tenant=in_alpha,
            data={
                "name": " ",
                "credits": 0,
                "price": Decimal("-1"),
                "validity_days": 0,
                "validity_from": "someday",
                "services": [999999],
                "class_types": [999998],
            },
        )

    assert refused.value.errors == {
        "name": ["Give the package a name."],
        "credits": ["A package holds from 1 to 1000 credits."],
        "validity_days": ["Credits stay valid from 1 to 3650 days."],
        "validity_from": ["Choose from purchase or from first use."],
        "price": ["The price is a positive amount such as 60.00 (or 0)."],
        "services": ["No service with id 999999 in this studio."],
        "class_types": ["No class type with id 999998 in this studio."],
    }
    assert PackageProduct.objects.count() == 0


def test_an_update_changes_the_product_but_not_packages_already_sold(in_alpha: Tenant) -> None:
    product = product_covering(name="Five", credits=5, price=Decimal("50.00"))
    sold = package_sell(
        customer=CustomerFactory(),
        product=product,
        sale_method=SaleMethod.CASH,
        actor=Actor(label="Desk"),
        now=NOW,
    )

    package_product_update(
        product=product, data={"name": "Six", "credits": 6, "price": Decimal("58.00")}
    )

    product.refresh_from_db()
    sold.refresh_from_db()
    assert (product.name, product.credits, product.price) == ("Six", 6, Decimal("58.00"))
    assert (sold.name, sold.credits_total, sold.price_paid, sold.balance) == (
        "Five",
        5,
        Decimal("50.00"),
        5,
    )


def test_a_sold_product_is_not_deleted(in_alpha: Tenant) -> None:
    unsold, sold = product_covering(), product_covering()
    package_sell(
        customer=CustomerFactory(),
        product=sold,
        sale_method=SaleMethod.OTHER,
        actor=Actor(label="Desk"),
        now=NOW,
    )

    package_product_delete(product=unsold)
    with pytest.raises(ProductInUseError) as refused:
        package_product_delete(product=sold)

    assert refused.value.code == "product_in_use"
    assert list(PackageProduct.objects.values_list("pk", flat=True)) == [sold.pk]


def test_a_desk_sale_copies_the_terms_and_records_the_purchase(
    in_alpha: Tenant, alpha_owner: User
) -> None:
    customer = CustomerFactory()
    product = product_covering(name="Ten", credits=10, price=Decimal("100.00"), validity_days=60)
    actor = Actor.for_user(alpha_owner)

    package = package_sell(
        customer=customer,
        product=product,
        sale_method=SaleMethod.CARD_TERMINAL,
        price_paid=Decimal("90.00"),
        actor=actor,
        now=NOW,
    )

    package.refresh_from_db()
    assert (package.customer_id, package.product_id, package.name) == (
        customer.pk,
        product.pk,
        "Ten",
    )
    assert (package.credits_total, package.balance, package.price_paid, package.currency) == (
        10,
        10,
        Decimal("90.00"),
        "GBP",
    )
    assert (package.sale_method, package.sold_by_id, package.sold_by_label) == (
        "card_terminal",
        alpha_owner.pk,
        "Alpha Owner",
    )
    assert (package.purchased_at, package.expires_at, package.first_used_at) == (
        NOW,
        NOW + timedelta(days=60),
        None,
    )
    assert _ledger(package) == [("purchase", 10, 10)]
    entry = package.entries.get()
    assert (entry.actor_id, entry.actor_label, entry.created_at) == (
        alpha_owner.pk,
        "Alpha Owner",
        NOW,
    )


def test_a_first_use_package_has_no_expiry_until_used(in_alpha: Tenant) -> None:
    product = product_covering(validity_from=ValidityStart.FIRST_USE)

    package = package_sell(
        customer=CustomerFactory(),
        product=product,
        sale_method=SaleMethod.CASH,
        actor=Actor(label="Desk"),
        now=NOW,
    )

    assert (package.expires_at, package.price_paid, package.balance) == (
        None,
        Decimal("60.00"),
        5,
    )


def test_a_sale_is_refused_for_bad_input_or_an_inactive_product(in_alpha: Tenant) -> None:
    customer = CustomerFactory()
    desk = Actor(label="Desk")
    product = product_covering()

    with pytest.raises(ValidationFailedError) as bad:
        package_sell(
            customer=customer,
            product=product,
            sale_method="barter",
            price_paid=Decimal("-5"),
            actor=desk,
            now=NOW,
        )
    assert bad.value.errors == {
        "sale_method": ["Choose cash, card terminal or other."],
        "price_paid": ["The price paid is a positive amount such as 60.00 (or 0)."],
    }
    with pytest.raises(ValidationFailedError) as online:
        package_sell(
            customer=customer, product=product, sale_method=SaleMethod.ONLINE, actor=desk, now=NOW
        )
    assert online.value.errors == {
        "sale_method": ["An online sale names the payment that settled it."]
    }
    product.is_active = False
    product.save(update_fields=["is_active"])
    with pytest.raises(ProductInactiveError):
        package_sell(
            customer=customer, product=product, sale_method=SaleMethod.CASH, actor=desk, now=NOW
        )

    assert CustomerPackage.objects.count() == 0
    assert CreditEntry.objects.count() == 0


def test_an_adjustment_moves_the_balance_with_its_reason(in_alpha: Tenant) -> None:
    package = package_sell(
        customer=CustomerFactory(),
        product=product_covering(),
        sale_method=SaleMethod.CASH,
        actor=Actor(label="Desk"),
        now=NOW,
    )
    manager = Actor(label="Mia Manager")

    added = credits_adjust(
        package=package, amount=2, reason="Goodwill: class moved", actor=manager, now=NOW
    )
    taken = credits_adjust(
        package=package, amount=-7, reason=" Sold twice ", actor=manager, now=NOW
    )

    assert (added.reason, added.actor_label, taken.reason) == (
        "Goodwill: class moved",
        "Mia Manager",
        "Sold twice",
    )
    package.refresh_from_db()
    assert package.balance == 0
    assert _ledger(package) == [("purchase", 5, 5), ("adjustment", 2, 7), ("adjustment", -7, 0)]


def test_an_adjustment_beyond_the_balance_or_without_reason_is_refused(in_alpha: Tenant) -> None:
    package = package_sell(
        customer=CustomerFactory(),
        product=product_covering(name="Five"),
        sale_method=SaleMethod.CASH,
        actor=Actor(label="Desk"),
        now=NOW,
    )
    desk = Actor(label="Desk")

    with pytest.raises(InsufficientCreditsError) as overspend:
        credits_adjust(package=package, amount=-6, reason="Oops", actor=desk, now=NOW)
    assert overspend.value.detail == "Five has 5 credits left: you can take away at most 5."
    with pytest.raises(ValidationFailedError) as bad:
        credits_adjust(package=package, amount=0, reason="  ", actor=desk, now=NOW)
    assert bad.value.errors == {
        "amount": ["Enter the credits to add (e.g. 2) or take away (e.g. -1)."],
        "reason": ["Say why the credits change: it stays in the history."],
    }

    package.refresh_from_db()
    assert package.balance == 5
    assert _ledger(package) == [("purchase", 5, 5)]
