"""Property: whatever sequence of purchases, uses, refunds, adjustments and expiries happens,
every package's balance equals the sum of its entries, never goes below zero, and each entry's
balance_after is the running sum up to it. The services run for real against PostgreSQL; each
example runs in a savepoint that is rolled back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.packages.errors import InsufficientCreditsError
from tenant_apps.packages.models import (
    CreditEntry,
    CreditEntryKind,
    CustomerPackage,
    SaleMethod,
    ValidityStart,
)
from tenant_apps.packages.services import (
    credits_adjust,
    credits_refund,
    credits_use,
    package_sell,
    packages_expire,
)
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import product_covering

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DESK = Actor(label="Desk")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), st.integers(0, 2)),
        st.tuples(st.just("use"), st.integers(1, 4)),
        st.tuples(st.just("refund"), st.integers(0, 20)),
        st.tuples(st.just("adjust"), st.integers(-6, 6), st.integers(0, 20)),
        st.tuples(st.just("wait"), st.integers(1, 40)),
        st.tuples(st.just("expire"), st.just(0)),
    ),
    min_size=1,
    max_size=25,
)


def _assert_ledger_holds() -> None:
    for package in CustomerPackage.objects.order_by("pk"):
        amounts, afters = [], []
        for amount, after in package.entries.order_by("id").values_list("amount", "balance_after"):
            amounts.append(amount)
            afters.append(after)
        assert package.balance == sum(amounts) >= 0
        assert afters == list(accumulate(amounts))
        assert min(afters, default=0) >= 0


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_keeps_balance_equal_to_the_sum_of_entries(
    in_alpha: Tenant, steps: list[tuple[object, ...]]
) -> None:
    with transaction.atomic():
        service = ServiceFactory()
        customer = CustomerFactory()
        products = [
            product_covering(services=[service], credits=5, validity_days=30),
            product_covering(services=[service], credits=3, validity_days=10),
            product_covering(
                services=[service],
                credits=4,
                validity_days=20,
                validity_from=ValidityStart.FIRST_USE,
            ),
        ]
        now = START
        for step in steps:
            action = step[0]
            entries_before = CreditEntry.objects.count()
            try:
                if action == "buy":
                    package_sell(
                        customer=customer,
                        product=products[int(step[1])],  # type: ignore[call-overload]
                        sale_method=SaleMethod.CASH,
                        actor=DESK,
                        now=now,
                    )
                elif action == "use":
                    credits_use(
                        customer=customer,
                        credits=int(step[1]),  # type: ignore[call-overload]
                        now=now,
                        actor=DESK,
                        service=service,
                    )
                elif action == "refund":
                    uses = list(CreditEntry.objects.filter(kind=CreditEntryKind.USE).order_by("id"))
                    if uses:
                        pick = uses[int(step[1]) % len(uses)]  # type: ignore[call-overload]
                        credits_refund(use_entry=pick, now=now, actor=DESK)
                elif action == "adjust":
                    packages = list(CustomerPackage.objects.order_by("pk"))
                    if packages:
                        package = packages[int(step[2]) % len(packages)]  # type: ignore[call-overload]
                        credits_adjust(
                            package=package,
                            amount=int(step[1]),  # type: ignore[call-overload]
                            reason="Property test",
                            actor=DESK,
                            now=now,
                        )
                elif action == "wait":
                    now += timedelta(days=int(step[1]))  # type: ignore[call-overload]
                else:
                    packages_expire(now=now)
            except (InsufficientCreditsError, ValidationFailedError):
                assert CreditEntry.objects.count() == entries_before  # a refusal writes nothing
            _assert_ledger_holds()
        # After expiry, nothing ended holds credits.
        packages_expire(now=now)
        assert not CustomerPackage.objects.filter(expires_at__lte=now, balance__gt=0).exists()
        _assert_ledger_holds()
        transaction.set_rollback(True)
