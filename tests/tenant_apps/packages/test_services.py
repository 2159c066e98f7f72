"""Uses and refunds of credits: which package pays, exact balances and entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.packages.errors import InsufficientCreditsError
from tenant_apps.packages.models import CreditEntry, CreditEntryKind, ValidityStart
from tenant_apps.packages.selectors import credit_use_for
from tenant_apps.packages.services import credits_refund, credits_use
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import class_type_create, package_give, product_covering

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DESK = Actor(label="Front desk")


def _ledger(package) -> list[tuple[str, int, int]]:
    return list(package.entries.order_by("id").values_list("kind", "amount", "balance_after"))


def test_a_use_takes_credits_from_the_covering_package(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    package = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=NOW
    )

    entry = credits_use(customer=customer, credits=2, now=NOW, actor=DESK, service=service)

    package.refresh_from_db()
    assert (entry.package_id, entry.kind, entry.amount, entry.balance_after) == (
        package.pk,
        CreditEntryKind.USE,
        -2,
        3,
    )
    assert (entry.actor_label, entry.created_at) == ("Front desk", NOW)
    assert package.balance == 3
    assert package.first_used_at == NOW
    assert package.expires_at == NOW + timedelta(days=30)  # from purchase: unchanged
    assert _ledger(package) == [("purchase", 5, 5), ("use", -2, 3)]


def test_the_package_expiring_first_pays(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    long = package_give(
        customer=customer,
        product=product_covering(services=[service], validity_days=90),
        purchased_at=NOW - timedelta(days=1),
    )
    short = package_give(
        customer=customer,
        product=product_covering(services=[service], validity_days=30),
        purchased_at=NOW,
    )
    # A first-use package never used would expire at NOW + 20 days if used now: it goes first.
    first_use = package_give(
        customer=customer,
        product=product_covering(
            services=[service], validity_days=20, validity_from=ValidityStart.FIRST_USE
        ),
        purchased_at=NOW - timedelta(days=100),
    )

    first = credits_use(customer=customer, credits=1, now=NOW, actor=DESK, service=service)
    assert first.package_id == first_use.pk
    first_use.refresh_from_db()
    assert (first_use.first_used_at, first_use.expires_at) == (NOW, NOW + timedelta(days=20))

    # Once it is spent, the next earliest expiry pays.
    later = NOW + timedelta(days=1)
    credits_use(customer=customer, credits=4, now=later, actor=DESK, service=service)
    next_one = credits_use(customer=customer, credits=1, now=later, actor=DESK, service=service)
    assert next_one.package_id == short.pk
    long.refresh_from_db()
    assert long.balance == 5


def test_a_package_not_covering_the_service_or_class_is_skipped(in_alpha: Tenant) -> None:
    wanted, other = ServiceFactory(), ServiceFactory()
    reformer, mat = class_type_create("Reformer"), class_type_create("Mat")
    customer = CustomerFactory()
    package_give(
        customer=customer,
        product=product_covering(services=[other], class_types=[mat]),
        purchased_at=NOW,
    )

    with pytest.raises(InsufficientCreditsError) as refused:
        credits_use(customer=customer, credits=1, now=NOW, actor=DESK, service=wanted)
    assert refused.value.code == "insufficient_credits"
    assert refused.value.status == 409
    with pytest.raises(InsufficientCreditsError):
        credits_use(customer=customer, credits=1, now=NOW, actor=DESK, class_type=reformer)

    entry = credits_use(customer=customer, credits=1, now=NOW, actor=DESK, class_type=mat)
    assert entry.balance_after == 4
    assert CreditEntry.objects.filter(kind=CreditEntryKind.USE).count() == 1


def test_expired_packages_and_other_customers_packages_are_skipped(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer, other = CustomerFactory(), CustomerFactory()
    product = product_covering(services=[service], validity_days=30)
    expired = package_give(customer=customer, product=product, purchased_at=NOW)
    package_give(customer=other, product=product, purchased_at=NOW)
    at_expiry = NOW + timedelta(days=30)

    with pytest.raises(InsufficientCreditsError):
        credits_use(customer=customer, credits=1, now=at_expiry, actor=DESK, service=service)

    expired.refresh_from_db()
    assert (expired.balance, expired.first_used_at) == (5, None)
    assert CreditEntry.objects.filter(kind=CreditEntryKind.USE).count() == 0
    # A second before its expiry it still pays.
    just_before = at_expiry - timedelta(seconds=1)
    entry = credits_use(customer=customer, credits=1, now=just_before, actor=DESK, service=service)
    assert entry.package_id == expired.pk


def test_a_package_with_too_few_credits_is_skipped(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    small = package_give(
        customer=customer,
        product=product_covering(services=[service], validity_days=10),
        purchased_at=NOW,
        credits=1,
    )
    big = package_give(
        customer=customer,
        product=product_covering(services=[service], validity_days=60),
        purchased_at=NOW,
    )

    entry = credits_use(customer=customer, credits=2, now=NOW, actor=DESK, service=service)

    assert entry.package_id == big.pk
    small.refresh_from_db()
    assert (small.balance, small.first_used_at) == (1, None)
    with pytest.raises(InsufficientCreditsError):
        credits_use(customer=customer, credits=4, now=NOW, actor=DESK, service=service)


def test_a_use_names_what_it_pays_for(in_alpha: Tenant) -> None:
    with pytest.raises(ValidationFailedError):
        credits_use(customer=CustomerFactory(), credits=1, now=NOW, actor=DESK)
    with pytest.raises(ValidationFailedError) as zero:
        credits_use(
            customer=CustomerFactory(), credits=0, now=NOW, actor=DESK, service=ServiceFactory()
        )
    assert zero.value.errors == {"credits": ["Use at least one credit."]}
    assert CreditEntry.objects.count() == 0


def test_a_refund_gives_the_credits_back_to_the_same_package_once(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    product = product_covering(services=[service])
    package = package_give(customer=customer, product=product, purchased_at=NOW)
    use = credits_use(customer=customer, credits=2, now=NOW, actor=DESK, service=service)
    later = NOW + timedelta(hours=1)

    refund = credits_refund(use_entry=use, now=later, actor=DESK, reason="Cancelled in time")
    again = credits_refund(use_entry=use, now=later, actor=DESK)

    assert again.pk == refund.pk
    assert (refund.kind, refund.amount, refund.balance_after, refund.refund_of_id) == (
        CreditEntryKind.REFUND,
        2,
        5,
        use.pk,
    )
    assert refund.reason == "Cancelled in time"
    package.refresh_from_db()
    assert package.balance == 5
    assert _ledger(package) == [("purchase", 5, 5), ("use", -2, 3), ("refund", 2, 5)]


def test_only_a_use_can_be_refunded(in_alpha: Tenant) -> None:
    package = package_give(customer=CustomerFactory(), product=product_covering(), purchased_at=NOW)
    purchase = package.entries.get()

    with pytest.raises(ValidationFailedError):
        credits_refund(use_entry=purchase, now=NOW, actor=DESK)
    assert package.entries.count() == 1


def test_credit_use_for_finds_the_unrefunded_use_of_an_enrollment(in_alpha: Tenant) -> None:
    from tenant_apps.classes.models import ClassSession, Enrollment
    from tests.factories.catalog import StaffMemberFactory

    reformer = class_type_create("Reformer")
    customer = CustomerFactory()
    package_give(
        customer=customer, product=product_covering(class_types=[reformer]), purchased_at=NOW
    )
    session = ClassSession.objects.create(
        class_type=reformer,
        instructor=StaffMemberFactory(),
        start=NOW + timedelta(days=1),
        end=NOW + timedelta(days=1, hours=1),
        capacity=12,
        currency="GBP",
    )
    enrollment = Enrollment.objects.create(
        reference="ENR00001",
        session=session,
        customer=customer,
        status="booked",
        currency="GBP",
        source="owner_app",
    )
    assert credit_use_for(enrollment=enrollment) is None

    use = credits_use(
        customer=customer,
        credits=1,
        now=NOW,
        actor=DESK,
        class_type=reformer,
        enrollment=enrollment,
    )
    assert credit_use_for(enrollment=enrollment) == use

    credits_refund(use_entry=use, now=NOW, actor=DESK)
    assert credit_use_for(enrollment=enrollment) is None
