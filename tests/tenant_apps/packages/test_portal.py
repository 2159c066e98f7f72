"""The portal's credits page: the signed-in customer's balances, expiry dates and history, and
nobody else's."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.customers.models import Customer
from tenant_apps.packages.services import credits_use
from tenant_apps.portal.session import SESSION_KEY
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import package_give, product_covering

CREDITS = "/portal/credits/"


def _signed_in(tenant: Tenant, customer: Customer) -> TenantClient:
    client = TenantClient(tenant)
    session = client.session
    session[SESSION_KEY] = {"schema": tenant.schema_name, "id": customer.pk}
    session.save()
    return client


def test_the_customer_sees_balances_expiry_and_history(in_alpha: Tenant) -> None:
    now = timezone.now()
    service = ServiceFactory(name="Reformer")
    pat = CustomerFactory(full_name="Pat Doe")
    sam = CustomerFactory(full_name="Sam Roe")
    package_give(
        customer=pat,
        product=product_covering(name="Ten pack", services=[service]),
        purchased_at=now,
    )
    package_give(
        customer=pat,
        product=product_covering(name="Old pack", validity_days=10),
        purchased_at=now - timedelta(days=20),
    )
    package_give(customer=sam, product=product_covering(name="Sam's pack"), purchased_at=now)
    credits_use(customer=pat, credits=2, now=now, actor=Actor(label="Desk"), service=service)

    response = _signed_in(in_alpha, pat).get(CREDITS)
    connection.set_tenant(in_alpha)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You have <strong>3 credits</strong> to spend" in html
    assert "Ten pack" in html and "Old pack" in html
    assert "Sam's pack" not in html
    assert 'aria-label="3 of 5 credits left"' in html
    assert "Expired" in html  # the old pack
    assert "Expires" in html  # the ten pack
    assert "Used" in html and "Purchase" in html  # the history
    assert 'href="/portal/credits/" aria-current="page">My credits</a>' in html


def test_someone_not_signed_in_goes_to_the_sign_in_page(in_alpha: Tenant) -> None:
    response = TenantClient(in_alpha).get(CREDITS)

    assert (response.status_code, response["Location"]) == (302, "/portal/")


def test_a_customer_without_packages_is_told_so(in_alpha: Tenant) -> None:
    response = _signed_in(in_alpha, CustomerFactory()).get(CREDITS)

    assert "You have no credit packages yet." in response.content.decode()
