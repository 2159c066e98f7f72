"""Suspension through the console: the very next request on the studio host is blocked, the data
stays, other studios carry on, and reactivation lifts the block."""

import pytest
from django.test import Client
from django_tenants.test.client import TenantClient
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def operator_client(db) -> Client:  # type: ignore[no-untyped-def]
    operator = User.objects.create_user(
        "ops@studiobook.test", TEST_PASSWORD, full_name="Ops", is_staff=True
    )
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(operator)
    return browser


def _customers_in(schema: str) -> int:
    with schema_context(schema):
        return Customer.objects.count()


def _assert_not_blocked(client: TenantClient) -> None:
    page = client.get("/")
    api = client.get("/api/v1/")
    assert page.status_code != 403
    assert b"This studio is suspended" not in page.content
    assert api.status_code != 403


def test_suspend_blocks_pages_and_api_on_the_next_request(
    operator_client, alpha_client, beta_client, alpha
):
    with schema_context("alpha"):
        Customer.objects.create(full_name="Ada Lovelace", email="ada@example.test")
    _assert_not_blocked(alpha_client)  # also warms the cached host -> studio lookup

    response = operator_client.post("/console/studios/alpha/suspend/", {"reason": "Unpaid"})
    assert response.status_code == 302

    page = alpha_client.get("/")
    assert page.status_code == 403
    assert b"This studio is suspended" in page.content
    api = alpha_client.get("/api/v1/")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "studio_suspended"
    _assert_not_blocked(beta_client)
    assert _customers_in("alpha") == 1


def test_reactivate_lifts_the_block_and_keeps_the_data(operator_client, alpha_client, alpha):
    with schema_context("alpha"):
        Customer.objects.create(full_name="Ada Lovelace", email="ada@example.test")
    operator_client.post("/console/studios/alpha/suspend/", {"reason": "Unpaid"})
    assert alpha_client.get("/").status_code == 403

    response = operator_client.post("/console/studios/alpha/reactivate/", {"reason": "Paid"})

    assert response.status_code == 302
    _assert_not_blocked(alpha_client)
    assert _customers_in("alpha") == 1


def test_cancel_closes_the_studio_without_touching_its_data(operator_client, alpha_client, alpha):
    with schema_context("alpha"):
        Customer.objects.create(full_name="Ada Lovelace", email="ada@example.test")
    alpha_client.get("/")

    operator_client.post("/console/studios/alpha/cancel/", {"reason": "Owner closed"})

    page = alpha_client.get("/")
    assert page.status_code == 403
    assert b"This studio is closed" in page.content
    assert alpha_client.get("/api/v1/").json()["code"] == "studio_cancelled"
    assert _customers_in("alpha") == 1
