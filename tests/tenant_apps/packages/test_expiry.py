"""The daily expiry: what is left of an ended package expires, customers are warned 7 days
before, once, and the beat job runs in every studio."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.packages.models import CreditEntryKind, CustomerPackage, ValidityStart
from tenant_apps.packages.services import (
    credits_use,
    expiry_warnings_queue,
    packages_expire,
)
from tenant_apps.packages.tasks import packages_expire_all
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import package_give, product_covering

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DESK = Actor(label="Front desk")


def _ledger(package: CustomerPackage) -> list[tuple[str, int, int]]:
    return list(package.entries.order_by("id").values_list("kind", "amount", "balance_after"))


def test_an_ended_package_loses_what_is_left_once(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    package = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=NOW
    )
    credits_use(customer=customer, credits=2, now=NOW, actor=DESK, service=service)
    ends = NOW + timedelta(days=30)

    assert packages_expire(now=ends - timedelta(seconds=1)) == 0
    assert packages_expire(now=ends) == 1
    assert packages_expire(now=ends + timedelta(days=1)) == 0

    package.refresh_from_db()
    assert package.balance == 0
    assert _ledger(package) == [("purchase", 5, 5), ("use", -2, 3), ("expiry", -3, 0)]
    expiry = package.entries.get(kind=CreditEntryKind.EXPIRY)
    assert (expiry.created_at, expiry.actor_label, expiry.reason) == (
        ends,
        "Expiry",
        "Validity ended",
    )


def test_spent_and_unused_first_use_packages_do_not_expire(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    spent = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=NOW
    )
    credits_use(customer=customer, credits=5, now=NOW, actor=DESK, service=service)
    waiting = package_give(
        customer=customer,
        product=product_covering(validity_from=ValidityStart.FIRST_USE),
        purchased_at=NOW,
    )

    assert packages_expire(now=NOW + timedelta(days=400)) == 0

    assert [spent.entries.count(), waiting.entries.count()] == [2, 1]


def _warnings() -> list[tuple[str, str, str]]:
    return list(
        Notification.objects.filter(kind=NotificationKind.CREDITS_EXPIRING)
        .order_by("id")
        .values_list("recipient_email", "subject", "dedupe_key")
    )


def test_one_warning_per_package_seven_days_ahead(
    in_alpha: Tenant, django_capture_on_commit_callbacks
) -> None:
    customer = CustomerFactory(full_name="Wren Warned", email="wren@example.test")
    soon = package_give(customer=customer, product=product_covering(name="Ten"), purchased_at=NOW)
    later = package_give(
        customer=customer,
        product=product_covering(name="Long", validity_days=60),
        purchased_at=NOW,
    )
    seven_days_before = NOW + timedelta(days=23)

    assert expiry_warnings_queue(now=seven_days_before - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_warnings_queue(now=seven_days_before) == 1
    assert expiry_warnings_queue(now=seven_days_before + timedelta(days=1)) == 0

    assert _warnings() == [
        ("wren@example.test", "5 credits of your Ten expire soon", f"credits-expiring:{soon.pk}")
    ]
    soon.refresh_from_db()
    later.refresh_from_db()
    assert (soon.expiry_warned_at, later.expiry_warned_at) == (seven_days_before, None)
    row = Notification.objects.get(kind=NotificationKind.CREDITS_EXPIRING)
    assert row.context == {
        "package": "Ten",
        "credits_left": 5,
        "expires_at": "2026-12-31T09:00:00+00:00",
        "expires_when": "Thursday 31 December 2026, 09:00 GMT",
        "credits_url": "http://alpha.localhost:8000/portal/credits/",
    }
    (email,) = mail.outbox
    assert email.to == ["Wren Warned <wren@example.test>"]
    assert "5 credits left on your Ten at Alpha Pilates" in email.body
    assert "Thursday 31 December 2026, 09:00 GMT" in email.body
    assert "http://alpha.localhost:8000/portal/credits/" in email.body
    html = email.alternatives[0][0]
    assert 'href="http://alpha.localhost:8000/portal/credits/"' in html


def test_no_warning_for_an_empty_package_or_while_muted(in_alpha: Tenant) -> None:
    service = ServiceFactory()
    customer = CustomerFactory()
    spent = package_give(
        customer=customer, product=product_covering(services=[service]), purchased_at=NOW
    )
    credits_use(customer=customer, credits=5, now=NOW, actor=DESK, service=service)
    kept = package_give(customer=customer, product=product_covering(), purchased_at=NOW)
    week_before = NOW + timedelta(days=24)

    with notifications_muted():
        assert expiry_warnings_queue(now=week_before) == 0

    assert _warnings() == []
    kept.refresh_from_db()
    spent.refresh_from_db()
    assert (kept.expiry_warned_at, spent.expiry_warned_at) == (None, None)
    # Unmuted, only the package with credits left is warned.
    assert expiry_warnings_queue(now=week_before) == 1
    assert [key for _, _, key in _warnings()] == [f"credits-expiring:{kept.pk}"]


def test_the_daily_job_runs_in_every_studio(alpha: Tenant, django_capture_on_commit_callbacks):
    # The job reads the clock: a 30-day package bought 31 days ago has ended.
    with schema_context("alpha"):
        package = package_give(
            customer=CustomerFactory(),
            product=product_covering(),
            purchased_at=timezone.now() - timedelta(days=31),
        )
    connection.set_schema_to_public()

    with django_capture_on_commit_callbacks(execute=True):
        assert packages_expire_all() == 2  # alpha and beta

    with schema_context("alpha"):
        package.refresh_from_db()
        assert package.balance == 0
        assert _ledger(package) == [("purchase", 5, 5), ("expiry", -5, 0)]
