"""No credit is spent twice under real parallel connections.

Each caller is a thread with its own database connection and its own transaction, all released
together. The package must be committed for the other connections to see it, so these tests
use `alpha_tx` (transactional; the flush afterwards runs on alpha's schema, never on public)
and put back alpha's default booking page afterwards.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from tenant_apps.catalog.setup import default_booking_page_create
from tenant_apps.packages import services
from tenant_apps.packages.errors import InsufficientCreditsError
from tenant_apps.packages.models import CreditEntry, CreditEntryKind, CustomerPackage
from tenant_apps.packages.services import credits_refund, credits_use
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import package_give, product_covering

CALLERS = 50


@pytest.fixture
def restore_alpha_defaults(django_db_blocker: Any) -> Iterator[None]:
    """Requested before alpha_tx, so it is torn down after the flush: puts back what
    provisioning gave alpha (the default booking page) for the tests that run later."""
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenant = Tenant.objects.get(slug="alpha")
        connection.set_tenant(tenant)
        default_booking_page_create(tenant=tenant)
        connection.set_schema_to_public()


def run_parallel(count: int, work: Any, tenant: Tenant) -> list[str]:
    """`count` callers on their own connections, released together; each returns an outcome."""
    start_line = threading.Barrier(count, timeout=30)

    def one(n: int) -> str:
        try:
            connection.set_tenant(tenant)
            start_line.wait()
            try:
                with transaction.atomic():
                    return work(n)
            except InsufficientCreditsError as exc:
                return exc.code
            except Exception as exc:
                return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_fifty_parallel_uses_of_five_credits_give_five_successes(
    restore_alpha_defaults: None, alpha_tx: Tenant
) -> None:
    now = timezone.now()
    service = ServiceFactory()
    customer = CustomerFactory()
    package = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=now
    )

    def use(n: int) -> str:
        credits_use(
            customer=customer,
            credits=1,
            now=now + timedelta(seconds=n),
            actor=Actor(label=f"Caller {n}"),
            service=service,
        )
        return "used"

    outcomes = run_parallel(CALLERS, use, alpha_tx)

    assert Counter(outcomes) == {"used": 5, "insufficient_credits": 45}, outcomes
    package.refresh_from_db()
    assert package.balance == 0
    assert package.entries.aggregate(total=Sum("amount")) == {"total": 0}
    assert package.entries.filter(kind=CreditEntryKind.USE).count() == 5
    assert sorted(package.entries.values_list("balance_after", flat=True)) == [0, 1, 2, 3, 4, 5]


def test_parallel_refunds_of_one_use_refund_it_once(
    restore_alpha_defaults: None, alpha_tx: Tenant
) -> None:
    now = timezone.now()
    service = ServiceFactory()
    customer = CustomerFactory()
    package = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=now
    )
    use_entry = credits_use(
        customer=customer, credits=2, now=now, actor=Actor(label="Desk"), service=service
    )

    def refund(n: int) -> str:
        entry = credits_refund(use_entry=use_entry, now=now, actor=Actor(label=f"Caller {n}"))
        return f"refund {entry.pk}"

    outcomes = run_parallel(10, refund, alpha_tx)

    (refund_entry,) = CreditEntry.objects.filter(kind=CreditEntryKind.REFUND)
    assert outcomes == [f"refund {refund_entry.pk}"] * 10
    assert CustomerPackage.objects.get(pk=package.pk).balance == 5


def test_without_the_lock_the_balance_check_still_refuses_cleanly(
    restore_alpha_defaults: None, alpha_tx: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Take away the row lock and let every caller read the full balance before anyone
    spends: the balance's CHECK (SQLSTATE 23514) is then the only guard, and each refused
    caller still gets InsufficientCreditsError, never an IntegrityError."""
    callers = 10
    read_balance = threading.Barrier(callers, timeout=30)

    def unlocked_read_then_wait(package_ids: list[int]) -> list[CustomerPackage]:
        packages = list(CustomerPackage.objects.filter(pk__in=package_ids).order_by("pk"))
        read_balance.wait()  # nobody spends before everybody has seen 5 credits
        return packages

    monkeypatch.setattr(services, "_packages_lock", unlocked_read_then_wait)
    now = timezone.now()
    service = ServiceFactory()
    customer = CustomerFactory()
    package = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=now
    )

    def use(n: int) -> str:
        credits_use(
            customer=customer, credits=2, now=now, actor=Actor(label=f"Caller {n}"), service=service
        )
        return "used"

    outcomes = run_parallel(callers, use, alpha_tx)

    assert Counter(outcomes) == {"used": 2, "insufficient_credits": 8}, outcomes
    package.refresh_from_db()
    assert package.balance == 1
    assert sorted(package.entries.values_list("balance_after", flat=True)) == [1, 3, 5]
