"""The packages API: products (CRUD), customers' packages (list, sell, adjust, the ledger), the
public product list; error codes, permissions by role, other studios' ids; the schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from django_tenants.utils import schema_context
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from shared_apps.accounts.models import User
from tenant_apps.packages.models import CreditEntry, CustomerPackage, PackageProduct, SaleMethod
from tenant_apps.packages.services import package_sell
from tenant_apps.scheduling.services import Actor
from tenants.models import Role, Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import class_type_create, product_covering
from tests.tenant_apps.catalog.api_support import member, problem, send

PRODUCTS = "/api/v1/package-products/"
PACKAGES = "/api/v1/customer-packages/"
PUBLIC = "/api/v1/public/package-products/"


def _client(tenant: Tenant, user: User | None) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    if user is not None:
        client.force_login(user)
    return client


def _call(tenant: Tenant, user: User | None, method: str, url: str, body: Any = None) -> Any:
    response = send(_client(tenant, user), method, url, body)
    connection.set_tenant(tenant)
    return response


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "products": list(PackageProduct.objects.order_by("pk").values_list()),
        "packages": list(CustomerPackage.objects.order_by("pk").values_list()),
        "entries": list(CreditEntry.objects.order_by("pk").values_list()),
    }


def _sold(customer, product) -> CustomerPackage:  # type: ignore[no-untyped-def]
    return package_sell(
        customer=customer,
        product=product,
        sale_method=SaleMethod.CASH,
        actor=Actor(label="Desk"),
        now=timezone.now(),
    )


def test_products_crud(in_alpha: Tenant, alpha_owner: User) -> None:
    service = ServiceFactory()
    reformer = class_type_create("Reformer")

    created = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PRODUCTS,
        {
            "name": "10-class pass",
            "credits": 10,
            "price": "120.00",
            "validity_days": 90,
            "validity_from": "first_use",
            "services": [service.pk],
            "class_types": [reformer.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    product_id = body["id"]
    assert {k: v for k, v in body.items() if k not in {"id", "created_at", "updated_at"}} == {
        "name": "10-class pass",
        "description": "",
        "credits": 10,
        "price": "120.00",
        "currency": "GBP",
        "validity_days": 90,
        "validity_from": "first_use",
        "sold_online": False,
        "is_active": True,
        "services": [service.pk],
        "class_types": [reformer.pk],
    }

    changed = _call(
        in_alpha, alpha_owner, "PATCH", f"{PRODUCTS}{product_id}/", {"is_active": False}
    )
    assert changed.json()["is_active"] is False
    listed = _call(in_alpha, alpha_owner, "GET", f"{PRODUCTS}?active=false&ordering=-price")
    assert [p["id"] for p in listed.json()["results"]] == [product_id]
    assert _call(in_alpha, alpha_owner, "GET", f"{PRODUCTS}?active=true").json()["count"] == 0
    deleted = _call(in_alpha, alpha_owner, "DELETE", f"{PRODUCTS}{product_id}/")
    assert deleted.status_code == 204
    assert PackageProduct.objects.count() == 0


def test_product_errors(in_alpha: Tenant, alpha_owner: User) -> None:
    sold = product_covering(name="Sold")
    _sold(CustomerFactory(), sold)
    before = _rows()

    bad = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PRODUCTS,
        {"name": "X", "credits": 0, "price": "-1", "validity_days": 0, "class_types": [999999]},
    )
    body = problem(bad, 422, "validation_error")
    assert set(body["errors"]) == {"credits", "price", "validity_days"}
    unknown = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PRODUCTS,
        {"name": "X", "credits": 1, "price": "1", "validity_days": 1, "class_types": [999999]},
    )
    assert problem(unknown, 422, "validation_error")["errors"] == {
        "class_types": ["No class type with id 999999 in this studio."]
    }
    in_use = _call(in_alpha, alpha_owner, "DELETE", f"{PRODUCTS}{sold.pk}/")
    problem(in_use, 409, "product_in_use")
    problem(_call(in_alpha, alpha_owner, "GET", f"{PRODUCTS}999999/"), 404, "not_found")

    assert _rows() == before


def test_selling_listing_adjusting_and_the_ledger(in_alpha: Tenant, alpha_owner: User) -> None:
    customer = CustomerFactory()
    other = CustomerFactory()
    product = product_covering(name="Five", price=Decimal("50.00"))
    _sold(other, product)

    sold = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PACKAGES,
        {
            "customer": customer.pk,
            "product": product.pk,
            "sale_method": "card_terminal",
            "price_paid": "45.00",
        },
    )
    assert sold.status_code == 201, sold.content
    package = sold.json()
    assert (package["customer"], package["balance"], package["price_paid"]) == (
        customer.pk,
        5,
        "45.00",
    )
    assert (package["sale_method"], package["sold_by_label"], package["usable"]) == (
        "card_terminal",
        "Alpha Owner",
        True,
    )

    adjusted = _call(
        in_alpha,
        alpha_owner,
        "POST",
        f"{PACKAGES}{package['id']}/adjust/",
        {"amount": -2, "reason": "Counted twice"},
    )
    assert adjusted.status_code == 201, adjusted.content
    assert (adjusted.json()["kind"], adjusted.json()["balance_after"]) == ("adjustment", 3)

    ledger = _call(in_alpha, alpha_owner, "GET", f"{PACKAGES}{package['id']}/entries/").json()
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in ledger["results"]] == [
        ("purchase", 5, 5),
        ("adjustment", -2, 3),
    ]
    mine = _call(in_alpha, alpha_owner, "GET", f"{PACKAGES}?customer={customer.pk}").json()
    assert [(p["id"], p["balance"]) for p in mine["results"]] == [(package["id"], 3)]
    assert _call(in_alpha, alpha_owner, "GET", f"{PACKAGES}?active=true").json()["count"] == 2
    assert _call(in_alpha, alpha_owner, "GET", f"{PACKAGES}?active=false").json()["count"] == 0
    one = _call(in_alpha, alpha_owner, "GET", f"{PACKAGES}{package['id']}/").json()
    assert one["balance"] == 3


def test_sale_and_adjustment_errors_write_nothing(in_alpha: Tenant, alpha_owner: User) -> None:
    customer = CustomerFactory()
    product = product_covering(name="Five")
    retired = product_covering(name="Retired", is_active=False)
    package = _sold(customer, product)
    before = _rows()

    online = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PACKAGES,
        {"customer": customer.pk, "product": product.pk, "sale_method": "online"},
    )
    assert set(problem(online, 422, "validation_error")["errors"]) == {"sale_method"}
    unknown = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PACKAGES,
        {"customer": 999999, "product": 999999, "sale_method": "cash"},
    )
    assert problem(unknown, 422, "validation_error")["errors"] == {
        "customer": ["No such customer in this studio."]
    }
    inactive = _call(
        in_alpha,
        alpha_owner,
        "POST",
        PACKAGES,
        {"customer": customer.pk, "product": retired.pk, "sale_method": "cash"},
    )
    problem(inactive, 409, "product_inactive")
    overspend = _call(
        in_alpha,
        alpha_owner,
        "POST",
        f"{PACKAGES}{package.pk}/adjust/",
        {"amount": -6, "reason": "Too much"},
    )
    assert problem(overspend, 409, "insufficient_credits")["detail"] == (
        "Five has 5 credits left: you can take away at most 5."
    )
    zero = _call(in_alpha, alpha_owner, "POST", f"{PACKAGES}{package.pk}/adjust/", {"amount": 0})
    assert set(problem(zero, 422, "validation_error")["errors"]) == {"reason"}
    zero_with_reason = _call(
        in_alpha,
        alpha_owner,
        "POST",
        f"{PACKAGES}{package.pk}/adjust/",
        {"amount": 0, "reason": "Nothing"},
    )
    assert set(problem(zero_with_reason, 422, "validation_error")["errors"]) == {"amount"}

    assert _rows() == before


def test_permissions_by_role(in_alpha: Tenant, alpha_owner: User, beta: Tenant) -> None:
    manager = member(in_alpha, Role.MANAGER)
    staff = member(in_alpha, Role.STAFF)
    customer = CustomerFactory()
    product = product_covering(name="Five")
    package = _sold(customer, product)
    sell = {"customer": customer.pk, "product": product.pk, "sale_method": "cash"}
    adjust = {"amount": 1, "reason": "Goodwill"}

    for url in (PRODUCTS, PACKAGES, f"{PACKAGES}{package.pk}/entries/"):
        assert _call(in_alpha, staff, "GET", url).status_code == 200
        problem(_call(in_alpha, None, "GET", url), 403, "not_authenticated")
    before = _rows()
    problem(_call(in_alpha, staff, "POST", PACKAGES, sell), 403, "permission_denied")
    problem(
        _call(in_alpha, staff, "POST", f"{PACKAGES}{package.pk}/adjust/", adjust),
        403,
        "permission_denied",
    )
    problem(
        _call(in_alpha, staff, "PATCH", f"{PRODUCTS}{product.pk}/", {"name": "Mine"}),
        403,
        "permission_denied",
    )
    assert _rows() == before

    assert _call(in_alpha, manager, "POST", PACKAGES, sell).status_code == 201
    assert (
        _call(in_alpha, manager, "POST", f"{PACKAGES}{package.pk}/adjust/", adjust).status_code
        == 201
    )


def test_other_studios_ids_are_not_found(in_alpha: Tenant, alpha_owner: User, beta: Tenant) -> None:
    with schema_context("beta"):
        beta_product = product_covering(name="Beta pass", currency="USD")
        beta_package = _sold(CustomerFactory(), beta_product)
    connection.set_tenant(in_alpha)
    before = _rows()

    for method, url, body in (
        ("GET", f"{PRODUCTS}{beta_product.pk}/", None),
        ("PATCH", f"{PRODUCTS}{beta_product.pk}/", {"name": "Stolen"}),
        ("DELETE", f"{PRODUCTS}{beta_product.pk}/", None),
        ("GET", f"{PACKAGES}{beta_package.pk}/", None),
        ("GET", f"{PACKAGES}{beta_package.pk}/entries/", None),
        ("POST", f"{PACKAGES}{beta_package.pk}/adjust/", {"amount": 1, "reason": "x"}),
    ):
        problem(_call(in_alpha, alpha_owner, method, url, body), 404, "not_found")
    # Beta's owner is nobody at alpha.
    beta_owner = User.objects.get(email="owner@beta.test")
    problem(_call(in_alpha, beta_owner, "GET", PACKAGES), 404, "not_found")

    assert _rows() == before
    with schema_context("beta"):
        assert CustomerPackage.objects.get().balance == 5


def test_the_public_list_shows_products_on_sale_without_signing_in(in_alpha: Tenant) -> None:
    service = ServiceFactory(name="Private session")
    reformer = class_type_create("Reformer")
    product_covering(
        name="Intro", credits=3, price=Decimal("99.00"), services=[service], sold_online=True
    )
    product_covering(name="Ten", credits=10, price=Decimal("120.00"), class_types=[reformer])
    product_covering(name="Retired", is_active=False)

    response = _call(in_alpha, None, "GET", PUBLIC)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": PackageProduct.objects.get(name="Intro").pk,
            "name": "Intro",
            "description": "",
            "credits": 3,
            "price": "99.00",
            "currency": "GBP",
            "validity_days": 30,
            "validity_from": "purchase",
            "services": [{"id": service.pk, "name": "Private session"}],
            "class_types": [],
            "sold_online": True,
        },
        {
            "id": PackageProduct.objects.get(name="Ten").pk,
            "name": "Ten",
            "description": "",
            "credits": 10,
            "price": "120.00",
            "currency": "GBP",
            "validity_days": 30,
            "validity_from": "purchase",
            "services": [],
            "class_types": [{"id": reformer.pk, "name": "Reformer"}],
            "sold_online": False,
        },
    ]
    online = _call(in_alpha, None, "GET", f"{PUBLIC}?sold_online=true").json()
    assert [p["name"] for p in online["results"]] == ["Intro"]


def test_the_packages_schema_has_no_warnings(db: Any) -> None:
    patterns = [path("api/v1/", include("tenant_apps.packages.api_urls"))]
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    problems = {**GENERATOR_STATS._warn_cache, **GENERATOR_STATS._error_cache}
    GENERATOR_STATS.reset()

    assert problems == {}
    validate_schema(schema)
    assert set(schema["paths"]) == {
        "/api/v1/package-products/",
        "/api/v1/package-products/{id}/",
        "/api/v1/customer-packages/",
        "/api/v1/customer-packages/{id}/",
        "/api/v1/customer-packages/{id}/adjust/",
        "/api/v1/customer-packages/{id}/entries/",
        "/api/v1/customers/{customer_id}/credits/",
        "/api/v1/public/package-products/",
    }
    assert schema["paths"][PUBLIC]["get"]["security"] == [{}]
    assert set(schema["paths"]["/api/v1/customer-packages/"]["post"]["responses"]) == {
        "201",
        "403",
        "404",
        "409",
        "422",
    }
    credits = schema["paths"]["/api/v1/customers/{customer_id}/credits/"]["get"]
    assert {p["name"] for p in credits["parameters"]} == {"customer_id", "service", "class_type"}
    assert set(credits["responses"]) == {"200", "403", "404", "422"}
