"""An appointment's own endpoints say how it was paid with credits (`credit_payment`): the
package and the credits, then the refund once cancelled; the list's JSON stays as it was. The
payment is read in one query."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.packages.models import CreditEntry, CreditEntryKind, CustomerPackage
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.factories.packages import package_give, product_covering

LONDON = ZoneInfo("Europe/London")
BASE = "/api/v1/appointments/"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def setup(in_alpha: Tenant) -> dict[str, Any]:
    ann = StaffMemberFactory(display_name="Ann")
    weekly_hours_set(ann)
    massage = ServiceFactory(name="Massage", performers=[ann])
    pat = CustomerFactory(full_name="Pat")
    package = package_give(
        customer=pat,
        product=product_covering(name="10-class pass", services=[massage], credits=10),
        purchased_at=timezone.now() - timedelta(days=1),
    )
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=14)
    return {"ann": ann, "massage": massage, "pat": pat, "package": package, "day": day}


@pytest.fixture
def owner(alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


def _post(client: TenantClient, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _book(owner: TenantClient, setup: dict[str, Any], hour: int, **extra: Any) -> Any:
    start = datetime.combine(setup["day"], time(hour), LONDON)
    response = _post(
        owner,
        BASE,
        {
            "service": setup["massage"].pk,
            "staff": setup["ann"].pk,
            "customer": setup["pat"].pk,
            "start": start.isoformat(),
            **extra,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_appointment_paid_with_a_credit_says_so_until_the_credit_is_returned(
    setup: dict[str, Any], owner: TenantClient
) -> None:
    package: CustomerPackage = setup["package"]

    created = _book(owner, setup, 10, pay_with_credits=True)

    use = CreditEntry.objects.get(kind=CreditEntryKind.USE)
    paid = {
        "package_id": package.pk,
        "package_name": "10-class pass",
        "credits": 1,
        "paid_at": _utc(use.created_at),
        "refunded": False,
        "refunded_at": None,
    }
    assert created["credit_payment"] == paid
    detail = owner.get(f"{BASE}{created['id']}/")
    assert detail.status_code == 200
    assert detail.json()["credit_payment"] == paid
    assert detail.json() == created | {"updated_at": detail.json()["updated_at"]}

    cancelled = _post(owner, f"{BASE}{created['id']}/cancel/", {"reason": "Unwell"})

    assert cancelled.status_code == 200, cancelled.content
    refund = CreditEntry.objects.get(kind=CreditEntryKind.REFUND)
    returned = paid | {"refunded": True, "refunded_at": _utc(refund.created_at)}
    assert cancelled.json()["credit_payment"] == returned
    assert owner.get(f"{BASE}{created['id']}/").json()["credit_payment"] == returned
    package.refresh_from_db()
    assert package.balance == 10


def test_an_appointment_not_paid_with_credits_has_none(
    setup: dict[str, Any], owner: TenantClient
) -> None:
    created = _book(owner, setup, 10)

    assert created["credit_payment"] is None
    assert owner.get(f"{BASE}{created['id']}/").json()["credit_payment"] is None
    setup["package"].refresh_from_db()
    assert setup["package"].balance == 10


def test_the_payment_costs_one_query_and_the_list_is_unchanged(
    setup: dict[str, Any], owner: TenantClient
) -> None:
    paid = _book(owner, setup, 10, pay_with_credits=True)
    unpaid = _book(owner, setup, 12)
    url = f"{BASE}{paid['id']}/"

    with CaptureQueriesContext(connection) as queries:
        response = owner.get(url)
    assert response.status_code == 200
    ledger_reads = [q["sql"] for q in queries if "packages_creditentry" in q["sql"]]
    assert len(ledger_reads) == 1, ledger_reads

    day = setup["day"].isoformat()
    listed = owner.get(f"{BASE}?start={day}&end={day}").json()["results"]
    assert [row["id"] for row in listed] == [paid["id"], unpaid["id"]]
    for row in listed:
        assert "credit_payment" not in row
        assert row == {
            k: v
            for k, v in owner.get(f"{BASE}{row['id']}/").json().items()
            if k != "credit_payment"
        }
