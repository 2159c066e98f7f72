"""The demo's packages: three products, five sales with a real ledger, once."""

from __future__ import annotations

from datetime import UTC, datetime

from shared_apps.accounts.models import User
from tenant_apps.packages.demo import packages_demo_seed
from tenant_apps.packages.models import CreditEntry, CustomerPackage, PackageProduct
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import class_type_create

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_demo_sells_packages_with_history_once(in_alpha: Tenant, alpha_owner: User) -> None:
    ServiceFactory(name="Private Reformer Session")
    reformer = class_type_create("Reformer Flow")
    mat = class_type_create("Mat Pilates")
    customers = [CustomerFactory() for _ in range(5)]

    assert packages_demo_seed(now=NOW, currency="GBP", owner=alpha_owner) == 5
    assert packages_demo_seed(now=NOW, currency="GBP", owner=alpha_owner) == 0

    products = {p.name: p for p in PackageProduct.objects.all()}
    assert sorted(products) == ["10-class pass", "5 reformer classes", "Intro: 3 private sessions"]
    assert list(products["5 reformer classes"].class_types.all()) == [reformer]
    assert set(products["10-class pass"].class_types.all()) == {reformer, mat}
    assert [s.name for s in products["Intro: 3 private sessions"].services.all()] == [
        "Private Reformer Session"
    ]
    balances = {
        p.customer_id: (p.name, p.balance)
        for p in CustomerPackage.objects.select_related("customer")
    }
    assert balances == {
        customers[0].pk: ("Intro: 3 private sessions", 1),
        customers[1].pk: ("Intro: 3 private sessions", 3),
        customers[2].pk: ("10-class pass", 10),
        customers[3].pk: ("5 reformer classes", 0),  # expired
        customers[4].pk: ("5 reformer classes", 5),
    }
    assert CreditEntry.objects.count() == 5 + 2 + 1  # purchases, two uses, one expiry
    for package in CustomerPackage.objects.all():
        assert package.balance == sum(package.entries.values_list("amount", flat=True))
