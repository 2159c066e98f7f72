"""Appointments paid with package credits: the owner's API books with a credit of the package
that covers the service; cancelling or declining gives it back, completing keeps it used."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.notifications.models import Notification
from tenant_apps.packages.models import CreditEntry, CreditEntryKind, CustomerPackage
from tenant_apps.packages.services import package_product_create, package_sell
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.tenant_apps.scheduling.test_api_appointments import (  # noqa: F401 (fixtures)
    BASE,
    at,
    create_body,
    monday,
    owner,
    problem,
    send,
    setup,
)


@pytest.fixture
def package(in_alpha: Tenant, setup: dict[str, Any]) -> CustomerPackage:
    """Three credits for the setup's service, sold to its customer."""
    product = package_product_create(
        tenant=in_alpha,
        data={"name": "Three massages", "credits": 3, "services": [setup["service"].pk]},
    )
    return package_sell(
        customer=setup["customer"],
        product=product,
        sale_method="card_terminal",
        actor=Actor(label="Desk"),
        now=timezone.now(),
    )


def test_a_booking_paid_with_credits_takes_one_from_the_package(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    response = send(
        owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True)
    )

    assert response.status_code == 201, response.content
    package.refresh_from_db()
    assert package.balance == 2
    use = CreditEntry.objects.get(package=package, kind=CreditEntryKind.USE)
    assert (use.amount, use.appointment_id) == (-1, response.json()["id"])


def test_without_a_covering_package_the_booking_is_a_409_and_nothing_is_written(
    setup: dict[str, Any], owner: TenantClient
) -> None:
    response = send(
        owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True)
    )

    problem(response, 409, "insufficient_credits")
    assert Appointment.objects.count() == 0
    assert Notification.objects.count() == 0
    assert CreditEntry.objects.count() == 0


def test_cancelling_returns_the_credit_to_the_same_package(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    booked = send(owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True))
    appointment_id = booked.json()["id"]

    cancelled = send(owner, "post", f"{BASE}{appointment_id}/cancel/", {"reason": "Unwell"})

    assert cancelled.status_code == 200, cancelled.content
    package.refresh_from_db()
    assert package.balance == 3
    refund = CreditEntry.objects.get(kind=CreditEntryKind.REFUND)
    use = CreditEntry.objects.get(kind=CreditEntryKind.USE)
    assert (refund.package_id, refund.amount, refund.refund_of_id) == (package.pk, 1, use.pk)


def test_a_completed_appointment_keeps_its_credit_used(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    booked = send(owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True))
    url = f"{BASE}{booked.json()['id']}/status/"

    completed = send(owner, "post", url, {"status": "completed"})

    assert completed.status_code == 200, completed.content
    package.refresh_from_db()
    assert package.balance == 2
    assert not CreditEntry.objects.filter(kind=CreditEntryKind.REFUND).exists()


def test_a_booking_without_credits_leaves_the_package_alone(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    response = send(owner, "post", BASE, create_body(setup, at(monday(), 10)))

    assert response.status_code == 201, response.content
    package.refresh_from_db()
    assert package.balance == 3
    assert CreditEntry.objects.filter(kind=CreditEntryKind.USE).count() == 0
