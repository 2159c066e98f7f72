"""Owner-app package screens: the products (list, create, edit, delete), and a customer's
packages on the profile (sell, adjust, history); who may do what; form errors that write
nothing."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from tenant_apps.packages.models import CreditEntry, CustomerPackage, PackageProduct, SaleMethod
from tenant_apps.packages.services import package_sell
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory
from tests.factories.packages import class_type_create, product_covering
from tests.tenant_apps.catalog.views_support import (
    assert_matrix,
    client_as,
    errors_of,
    people_create,
    request_as,
)

LIST = "/app/packages/"
NEW = "/app/packages/new/"


def _sold(customer, product) -> CustomerPackage:  # type: ignore[no-untyped-def]
    return package_sell(
        customer=customer,
        product=product,
        sale_method=SaleMethod.CASH,
        actor=Actor(label="Desk"),
        now=timezone.now(),
    )


def test_who_may_see_and_change_packages(in_alpha: Tenant, beta: Tenant) -> None:
    who = people_create(in_alpha, beta)
    product = product_covering(name="Ten")
    customer = CustomerFactory()
    package = _sold(customer, product)

    assert_matrix(in_alpha, who, "get", LIST, managers=200, staff=200)
    assert_matrix(in_alpha, who, "get", NEW, managers=200, staff=404)
    assert_matrix(in_alpha, who, "get", f"/app/packages/{product.pk}/", managers=200, staff=404)
    assert_matrix(
        in_alpha, who, "get", f"/app/packages/customers/{customer.pk}/", managers=200, staff=404
    )
    assert_matrix(
        in_alpha,
        who,
        "post",
        f"/app/packages/customers/{customer.pk}/sell/",
        managers=None,
        staff=404,
        data={"product": product.pk, "sale_method": "cash"},
    )
    assert_matrix(
        in_alpha,
        who,
        "post",
        f"/app/packages/held/{package.pk}/adjust/",
        managers=None,
        staff=404,
        data={f"adjust-{package.pk}-amount": 1, f"adjust-{package.pk}-reason": "x"},
    )
    assert CustomerPackage.objects.count() == 1
    assert CreditEntry.objects.count() == 1  # staff, strangers and anonymous changed nothing


def test_the_list_shows_products_and_the_sidebar_lights_up(in_alpha: Tenant, beta: Tenant) -> None:
    who = people_create(in_alpha, beta)
    reformer = class_type_create("Reformer")
    product_covering(name="10-class pass", credits=10, class_types=[reformer])
    product_covering(name="Old offer", is_active=False)

    response = request_as(in_alpha, who.staff, "get", LIST)

    html = response.content.decode()
    assert "<strong>10-class pass</strong>" in html
    assert "Reformer" in html
    assert "Not on sale" in html
    assert 'href="/app/packages/" aria-current="page"' in html
    assert "+ New package" not in html  # staff read only
    only_active = request_as(in_alpha, who.owner, "get", LIST + "?status=active")
    assert "Old offer" not in only_active.content.decode()


def test_an_owner_creates_a_product(in_alpha: Tenant, beta: Tenant) -> None:
    who = people_create(in_alpha, beta)
    service = ServiceFactory(name="Private session")
    client = client_as(in_alpha, who.owner)

    response = client.post(
        NEW,
        {
            "name": "Intro: 3 private sessions",
            "credits": "3",
            "price": "99.00",
            "currency": "GBP",
            "validity_days": "30",
            "validity_from": "first_use",
            "services": [str(service.pk)],
            "is_active": "on",
        },
    )

    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == LIST
    product = PackageProduct.objects.get()
    assert (product.name, product.credits, product.price, product.validity_from) == (
        "Intro: 3 private sessions",
        3,
        Decimal("99.00"),
        "first_use",
    )
    assert list(product.services.all()) == [service]
    page = client.get(LIST)
    assert "“Intro: 3 private sessions” was added." in page.content.decode()


def test_a_bad_product_form_shows_errors_beside_fields_and_saves_nothing(
    in_alpha: Tenant, beta: Tenant
) -> None:
    who = people_create(in_alpha, beta)

    response = request_as(
        in_alpha,
        who.owner,
        "post",
        NEW,
        {"name": "", "credits": "0", "price": "-3", "currency": "GBP", "validity_days": "x"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert 'id="id_credits_error"' in html
    assert 'id="id_price_error"' in html
    assert 'id="id_validity_days_error"' in html
    assert "Nothing was saved" in html
    assert PackageProduct.objects.count() == 0


def test_editing_and_deleting_a_product(in_alpha: Tenant, beta: Tenant) -> None:
    who = people_create(in_alpha, beta)
    unsold = product_covering(name="Unsold")
    sold = product_covering(name="Sold")
    _sold(CustomerFactory(), sold)
    # What a product pays for is read when its credits are used: the form says so once sold.
    sold_form = request_as(in_alpha, who.manager, "get", f"/app/packages/{sold.pk}/")
    unsold_form = request_as(in_alpha, who.manager, "get", f"/app/packages/{unsold.pk}/")
    assert "This also applies to the packages already sold" in sold_form.content.decode()
    assert "data-coverage-note" not in unsold_form.content.decode()

    edited = request_as(
        in_alpha,
        who.manager,
        "post",
        f"/app/packages/{sold.pk}/",
        {
            "name": "Sold (renamed)",
            "credits": "5",
            "price": "60.00",
            "currency": "GBP",
            "validity_days": "30",
            "validity_from": "purchase",
        },
    )
    assert edited.status_code == 302, errors_of(edited)
    sold.refresh_from_db()
    assert (sold.name, sold.is_active) == ("Sold (renamed)", False)

    kept = request_as(in_alpha, who.owner, "post", f"/app/packages/{sold.pk}/delete/")
    assert kept["Location"] == f"/app/packages/{sold.pk}/"
    gone = request_as(in_alpha, who.owner, "post", f"/app/packages/{unsold.pk}/delete/")
    assert gone["Location"] == LIST
    assert list(PackageProduct.objects.values_list("name", flat=True)) == ["Sold (renamed)"]
    assert request_as(in_alpha, who.owner, "get", "/app/packages/999999/").status_code == 404


def test_the_profile_shows_packages_and_sells_one(in_alpha: Tenant, beta: Tenant) -> None:
    who = people_create(in_alpha, beta)
    customer = CustomerFactory(full_name="Pia Pass")
    product = product_covering(name="5 reformer classes", price=Decimal("75.00"))
    client = client_as(in_alpha, who.manager)

    sold = client.post(
        f"/app/packages/customers/{customer.pk}/sell/",
        {"product": product.pk, "sale_method": "card_terminal", "price_paid": ""},
    )

    assert sold.status_code == 302, errors_of(sold)
    assert sold["Location"] == f"/app/customers/{customer.pk}/#packages"
    package = CustomerPackage.objects.get()
    assert (package.customer_id, package.balance, package.price_paid, package.sale_method) == (
        customer.pk,
        5,
        Decimal("75.00"),
        "card_terminal",
    )
    assert package.sold_by_id == who.manager.pk
    profile = client.get(f"/app/customers/{customer.pk}/")
    html = profile.content.decode()
    assert profile.status_code == 200
    assert "5 reformer classes sold to Pia Pass: 5 credits." in html
    assert 'id="packages"' in html
    assert "5 credits available" in html
    assert "Adjust credits" in html
    assert "Purchase" in html  # the ledger


def test_a_bad_sale_or_adjustment_shows_errors_and_writes_nothing(
    in_alpha: Tenant, beta: Tenant
) -> None:
    who = people_create(in_alpha, beta)
    customer = CustomerFactory()
    product = product_covering(name="Five")
    package = _sold(customer, product)

    bad_sale = request_as(
        in_alpha,
        who.owner,
        "post",
        f"/app/packages/customers/{customer.pk}/sell/",
        {"product": "", "sale_method": "online", "price_paid": "-1"},
    )
    assert bad_sale.status_code == 422
    html = bad_sale.content.decode()
    assert 'id="id_product_error"' in html
    assert 'id="id_sale_method_error"' in html
    assert 'id="id_price_paid_error"' in html

    prefix = f"adjust-{package.pk}"
    too_much = request_as(
        in_alpha,
        who.owner,
        "post",
        f"/app/packages/held/{package.pk}/adjust/",
        {f"{prefix}-amount": "-9", f"{prefix}-reason": "Mistake"},
    )
    assert too_much.status_code == 422
    assert "Five has 5 credits left: you can take away at most 5." in too_much.content.decode()
    no_reason = request_as(
        in_alpha,
        who.owner,
        "post",
        f"/app/packages/held/{package.pk}/adjust/",
        {f"{prefix}-amount": "0", f"{prefix}-reason": ""},
    )
    assert no_reason.status_code == 422
    assert f'id="id_{prefix}-reason_error"' in no_reason.content.decode()

    assert CustomerPackage.objects.count() == 1
    assert list(CreditEntry.objects.values_list("kind", flat=True)) == ["purchase"]


def test_an_adjustment_moves_the_credits(in_alpha: Tenant, beta: Tenant) -> None:
    who = people_create(in_alpha, beta)
    customer = CustomerFactory()
    package = _sold(customer, product_covering(name="Five"))
    prefix = f"adjust-{package.pk}"

    response = request_as(
        in_alpha,
        who.owner,
        "post",
        f"/app/packages/held/{package.pk}/adjust/",
        {f"{prefix}-amount": "-2", f"{prefix}-reason": "Counted twice"},
    )

    assert response.status_code == 302, errors_of(response)
    package.refresh_from_db()
    assert package.balance == 3
    entry = package.entries.latest("id")
    assert (entry.kind, entry.amount, entry.reason, entry.actor_id) == (
        "adjustment",
        -2,
        "Counted twice",
        who.owner.pk,
    )
