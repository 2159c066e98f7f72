"""Reads of credit packages: which packages can pay for a service or a class type (coverage,
expiry, balance, the order credits_use takes them in), and how an appointment was paid with
credits (refunded or not), each in one query."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenant_apps.catalog.models import Service
from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import CreditEntryKind, CustomerPackage, ValidityStart
from tenant_apps.packages.selectors import (
    CreditPayment,
    appointment_credit_payment_get,
    credits_available_for,
)
from tenant_apps.packages.services import credits_adjust, credits_use
from tenant_apps.scheduling.models import AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_book,
    appointment_transition,
)
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.packages import class_type_create, package_give, product_covering

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
DESK = Actor(label="Desk")
LONDON = ZoneInfo("Europe/London")


def _ids(packages: list[CustomerPackage]) -> list[int]:
    return [p.pk for p in packages]


def _one_query(call: Any) -> Any:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    assert len(queries) == 1, [q["sql"] for q in queries]
    return result


@pytest.fixture
def massage(in_alpha: Tenant) -> Service:
    return ServiceFactory(name="Massage")


@pytest.fixture
def pat(in_alpha: Tenant) -> Customer:
    return CustomerFactory(full_name="Pat Credits")


def test_only_packages_covering_the_service_or_class_type_are_listed(
    massage: Service, pat: Customer
) -> None:
    facial = ServiceFactory(name="Facial")
    reformer = class_type_create("Reformer")
    for_massage = package_give(
        customer=pat,
        product=product_covering(name="Massages", services=[massage]),
        purchased_at=NOW - timedelta(days=1),
    )
    both = package_give(
        customer=pat,
        product=product_covering(name="Anything", services=[massage, facial]),
        purchased_at=NOW - timedelta(days=2),
    )
    for_reformer = package_give(
        customer=pat,
        product=product_covering(name="Reformer ten", class_types=[reformer]),
        purchased_at=NOW - timedelta(days=3),
    )
    # Someone else's package for the same service is none of Pat's business.
    package_give(
        customer=CustomerFactory(),
        product=product_covering(name="Other's", services=[massage]),
        purchased_at=NOW - timedelta(days=1),
    )

    # Both expire 30 days after purchase: the older purchase expires first.
    assert _ids(credits_available_for(customer=pat, service=massage, now=NOW)) == [
        both.pk,
        for_massage.pk,
    ]
    assert _ids(credits_available_for(customer=pat, service=facial, now=NOW)) == [both.pk]
    assert _ids(credits_available_for(customer=pat, class_type=reformer, now=NOW)) == [
        for_reformer.pk
    ]
    assert credits_available_for(customer=pat, service=ServiceFactory(), now=NOW) == []


def test_expired_used_up_and_started_first_use_packages_follow_the_rules_of_credits_use(
    massage: Service, pat: Customer
) -> None:
    expired = package_give(
        customer=pat,
        product=product_covering(name="Expired", services=[massage], validity_days=30),
        purchased_at=NOW - timedelta(days=30),  # expires exactly now: no longer usable
    )
    used_up = package_give(
        customer=pat,
        product=product_covering(name="Used up", services=[massage]),
        purchased_at=NOW - timedelta(days=1),
        credits=1,
    )
    credits_adjust(package=used_up, amount=-1, reason="Spent", actor=DESK, now=NOW)
    last_second = package_give(
        customer=pat,
        product=product_covering(name="Last second", services=[massage], validity_days=30),
        purchased_at=NOW - timedelta(days=30) + timedelta(seconds=1),
    )
    not_started = package_give(
        customer=pat,
        product=product_covering(
            name="From first use",
            services=[massage],
            validity_from=ValidityStart.FIRST_USE,
            validity_days=60,
        ),
        purchased_at=NOW - timedelta(days=200),
    )

    listed = credits_available_for(customer=pat, service=massage, now=NOW)

    assert _ids(listed) == [last_second.pk, not_started.pk]
    assert [(p.name, p.balance, p.expires_at) for p in listed] == [
        ("Last second", 5, NOW + timedelta(seconds=1)),
        ("From first use", 5, None),
    ]
    assert expired.pk not in _ids(listed)


def test_the_first_listed_is_the_package_a_use_draws_from(massage: Service, pat: Customer) -> None:
    late = package_give(
        customer=pat,
        product=product_covering(name="Late", services=[massage], validity_days=90),
        purchased_at=NOW - timedelta(days=1),  # expires in 89 days
    )
    soon = package_give(
        customer=pat,
        product=product_covering(name="Soon", services=[massage], validity_days=30),
        purchased_at=NOW - timedelta(days=25),  # expires in 5 days
    )
    # Not started: would expire 10 days after a use now, between the two.
    middle = package_give(
        customer=pat,
        product=product_covering(
            name="Middle",
            services=[massage],
            validity_from=ValidityStart.FIRST_USE,
            validity_days=10,
        ),
        purchased_at=NOW - timedelta(days=3),
    )

    listed = _one_query(lambda: credits_available_for(customer=pat, service=massage, now=NOW))

    assert _ids(listed) == [soon.pk, middle.pk, late.pk]
    drawn = credits_use(customer=pat, credits=1, now=NOW, actor=DESK, service=massage)
    assert drawn.package_id == soon.pk
    # Spent down to nothing, the next one takes its place at the top.
    credits_adjust(package=soon, amount=-4, reason="Spent", actor=DESK, now=NOW)
    assert _ids(credits_available_for(customer=pat, service=massage, now=NOW)) == [
        middle.pk,
        late.pk,
    ]
    assert (
        credits_use(customer=pat, credits=1, now=NOW, actor=DESK, service=massage).package_id
        == middle.pk
    )


def test_exactly_one_of_service_or_class_type(massage: Service, pat: Customer) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        credits_available_for(customer=pat, now=NOW)
    with pytest.raises(ValueError, match="exactly one"):
        credits_available_for(
            customer=pat, service=massage, class_type=class_type_create(), now=NOW
        )


def test_an_appointments_credit_payment_is_read_in_one_query(
    in_alpha: Tenant, massage: Service, pat: Customer
) -> None:
    ann = StaffMemberFactory(display_name="Ann")
    weekly_hours_set(ann)
    massage.staff.add(ann)
    now = timezone.now()
    day = now.astimezone(LONDON).date() + timedelta(days=7)
    package = package_give(
        customer=pat,
        product=product_covering(name="Three massages", services=[massage], credits=3),
        purchased_at=now - timedelta(days=1),
    )

    def book(hour: int, *, pay: bool) -> Any:
        return appointment_book(
            service=massage,
            staff=ann,
            customer=pat,
            start=datetime.combine(day, time(hour), LONDON),
            source=AppointmentSource.OWNER_APP,
            actor=DESK,
            now=now,
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
            pay_with_credits=pay,
        )

    unpaid = book(10, pay=False)
    paid = book(12, pay=True)

    assert _one_query(lambda: appointment_credit_payment_get(appointment=unpaid)) is None
    payment = _one_query(lambda: appointment_credit_payment_get(appointment=paid))
    assert payment == CreditPayment(
        package_id=package.pk,
        package_name="Three massages",
        credits=1,
        paid_at=now,
        refunded_at=None,
    )

    later = now + timedelta(minutes=5)
    appointment_transition(
        appointment=paid,
        to_status=AppointmentStatus.CANCELLED,
        actor=DESK,
        now=later,
        studio_timezone="Europe/London",
        reason="Unwell",
    )

    refunded = _one_query(lambda: appointment_credit_payment_get(appointment=paid))
    assert refunded == CreditPayment(
        package_id=package.pk,
        package_name="Three massages",
        credits=1,
        paid_at=now,
        refunded_at=later,
    )
    package.refresh_from_db()
    assert package.balance == 3
    assert list(package.entries.values_list("kind", "amount").order_by("id")) == [
        (CreditEntryKind.PURCHASE, 3),
        (CreditEntryKind.USE, -1),
        (CreditEntryKind.REFUND, 1),
    ]
