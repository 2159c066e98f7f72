"""GET /api/v1/customers/{id}/credits/: what a customer's credits can pay for (the calendar asks
before it offers "pay with a package credit"). Members read; anonymous callers are refused;
other studios' customers are not found; a bad service or class type is a 422."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import CreditEntry, CustomerPackage, ValidityStart
from tenants.models import Role, Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import class_type_create, package_give, product_covering
from tests.tenant_apps.catalog.api_support import member, problem, send


def _url(customer_id: int, query: str = "") -> str:
    return f"/api/v1/customers/{customer_id}/credits/{query}"


def _get(tenant: Tenant, user: User | None, url: str) -> Any:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    if user is not None:
        client.force_login(user)
    response = send(client, "GET", url)
    connection.set_tenant(tenant)
    return response


def _utc(moment: Any) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _ledger() -> list[tuple[Any, ...]]:
    return list(CreditEntry.objects.order_by("pk").values_list()) + list(
        CustomerPackage.objects.order_by("pk").values_list()
    )


def test_lists_the_covering_packages_in_the_order_they_are_used(
    in_alpha: Tenant, alpha_owner: User
) -> None:
    now = timezone.now()
    massage = ServiceFactory(name="Massage")
    pat = CustomerFactory(full_name="Pat")
    ten = package_give(
        customer=pat,
        product=product_covering(name="10-class pass", services=[massage], credits=10),
        purchased_at=now - timedelta(days=25),
    )
    intro = package_give(
        customer=pat,
        product=product_covering(
            name="Intro",
            services=[massage],
            credits=2,
            validity_from=ValidityStart.FIRST_USE,
            validity_days=60,
        ),
        purchased_at=now - timedelta(days=1),
    )
    # Not listed: for another service, expired, someone else's.
    package_give(
        customer=pat,
        product=product_covering(name="Facials", services=[ServiceFactory(name="Facial")]),
        purchased_at=now,
    )
    package_give(
        customer=pat,
        product=product_covering(name="Old", services=[massage]),
        purchased_at=now - timedelta(days=31),
    )
    package_give(
        customer=CustomerFactory(),
        product=product_covering(name="Not Pat's", services=[massage]),
        purchased_at=now,
    )
    before = _ledger()

    response = _get(in_alpha, alpha_owner, _url(pat.pk, f"?service={massage.pk}"))

    assert response.status_code == 200, response.content
    assert response.json() == {
        "available": 12,
        "packages": [
            {
                "id": ten.pk,
                "name": "10-class pass",
                "balance": 10,
                "credits_total": 10,
                "expires_at": _utc(ten.expires_at),
                "validity_days": 30,
            },
            {
                "id": intro.pk,
                "name": "Intro",
                "balance": 2,
                "credits_total": 2,
                "expires_at": None,
                "validity_days": 60,
            },
        ],
    }
    # A read: nothing spent, nothing started.
    assert _ledger() == before


def test_class_types_and_customers_without_credits(in_alpha: Tenant, alpha_owner: User) -> None:
    reformer = class_type_create("Reformer")
    pat = CustomerFactory()
    package = package_give(
        customer=pat,
        product=product_covering(name="Reformer five", class_types=[reformer]),
        purchased_at=timezone.now(),
    )

    by_class = _get(in_alpha, alpha_owner, _url(pat.pk, f"?class_type={reformer.pk}"))
    nothing = _get(in_alpha, alpha_owner, _url(pat.pk, f"?service={ServiceFactory().pk}"))
    slashless = _get(
        in_alpha, alpha_owner, f"/api/v1/customers/{pat.pk}/credits?class_type={reformer.pk}"
    )

    assert by_class.status_code == 200, by_class.content
    assert by_class.json()["available"] == 5
    assert [p["id"] for p in by_class.json()["packages"]] == [package.pk]
    assert nothing.json() == {"available": 0, "packages": []}
    assert slashless.json() == by_class.json()


def test_a_bad_service_or_class_type_is_a_422(in_alpha: Tenant, alpha_owner: User) -> None:
    pat = CustomerFactory()
    missing = (ServiceFactory().pk or 0) + 1000

    cases = {
        "": {"service": ["Give either service or class_type (an id)."]},
        f"?service={missing}": {"service": ["No such service in this studio."]},
        "?service=": {"service": ["Give either service or class_type (an id)."]},
        "?service=abc": {"service": ["Use a service id (a whole number)."]},
        "?service=99999999999999999999999": {"service": ["No such service in this studio."]},
        "?class_type=0": {"class_type": ["No such class type in this studio."]},
        f"?service={missing}&class_type=x": {
            "service": ["No such service in this studio."],
            "class_type": ["Use a class type id (a whole number)."],
        },
    }
    for query, errors in cases.items():
        body = problem(_get(in_alpha, alpha_owner, _url(pat.pk, query)), 422, "validation_error")
        assert body["errors"] == errors, query
    both = _get(
        in_alpha,
        alpha_owner,
        _url(pat.pk, f"?service={ServiceFactory().pk}&class_type={class_type_create().pk}"),
    )
    assert problem(both, 422, "validation_error")["errors"] == {
        "service": ["Give either service or class_type (an id)."]
    }


def test_other_studios_customers_are_not_found(in_alpha: Tenant, alpha_owner: User) -> None:
    with schema_context("beta"):
        beta_service = ServiceFactory(name="Beta massage")
        beta_customer = CustomerFactory(full_name="Beta customer")
        package_give(
            customer=beta_customer,
            product=product_covering(name="Beta pass", currency="USD", services=[beta_service]),
            purchased_at=timezone.now(),
        )
    connection.set_tenant(in_alpha)
    service = ServiceFactory()
    assert not Customer.objects.filter(pk=beta_customer.pk).exists()

    body = problem(
        _get(in_alpha, alpha_owner, _url(beta_customer.pk, f"?service={service.pk}")),
        404,
        "not_found",
    )
    assert body["detail"] == "No such customer in this studio."
    # The customer is looked up first: a bad query on an unknown customer is still a 404.
    problem(_get(in_alpha, alpha_owner, _url(beta_customer.pk, "?service=abc")), 404, "not_found")
    # Beta's owner is nobody at alpha, even for an alpha customer.
    pat = CustomerFactory()
    beta_owner = User.objects.get(email="owner@beta.test")
    problem(_get(in_alpha, beta_owner, _url(pat.pk, f"?service={service.pk}")), 404, "not_found")


def test_staff_read_and_anonymous_callers_are_refused(in_alpha: Tenant) -> None:
    massage = ServiceFactory()
    pat = CustomerFactory()
    package_give(
        customer=pat,
        product=product_covering(name="Five", services=[massage]),
        purchased_at=timezone.now(),
    )
    url = _url(pat.pk, f"?service={massage.pk}")
    staff = member(in_alpha, Role.STAFF)
    manager = member(in_alpha, Role.MANAGER)

    for user in (staff, manager):
        response = _get(in_alpha, user, url)
        assert response.status_code == 200, response.content
        assert response.json()["available"] == 5
    problem(_get(in_alpha, None, url), 403, "not_authenticated")
    not_allowed = Client(HTTP_HOST="alpha.localhost")
    not_allowed.force_login(staff)
    assert send(not_allowed, "POST", url, {}).status_code == 405
    connection.set_tenant(in_alpha)
