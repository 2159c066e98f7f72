"""Owner-app screens of credit packages under /app/packages/: the products on sale (list,
create, edit, delete), and a customer's packages (sell one at the desk, adjust credits, the
ledger), shown on the customer's profile and on a page of their own.

Every member may look at the products; owners and managers change them, sell and adjust (the
other pages are not found for staff, as tenants.access decides). Each write goes through one
packages service; its field problems are shown beside the inputs, nothing is saved until every
field is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.models import User
from shared_apps.core.errors import DomainError, NotFoundError
from tenant_apps.catalog.forms import problem_to_form
from tenant_apps.customers.models import Customer
from tenant_apps.customers.selectors import customer_get
from tenant_apps.packages import selectors, services
from tenant_apps.packages.errors import InsufficientCreditsError, ProductInUseError
from tenant_apps.packages.forms import (
    CreditAdjustForm,
    PackageProductForm,
    PackageSellForm,
    ProductFilterForm,
)
from tenant_apps.packages.models import PackageProduct
from tenant_apps.scheduling.services import Actor
from tenants.access import MANAGING_ROLES, studio_member_required
from tenants.models import Tenant

T = TypeVar("T")

members_only = studio_member_required()
managers_only = studio_member_required(roles=MANAGING_ROLES)


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)  # studio_member_required ran first
    return Actor.for_user(user)


def _found(get: Callable[..., T], **kwargs: Any) -> T:
    """A selector's object, or the 404 page (ids of other studios do not exist here)."""
    try:
        return get(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


# --- products ------------------------------------------------------------------------------


@members_only
@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = selectors.package_product_page(status=status, page=request.GET.get("page", 1))
    return render(
        request,
        "packages/package_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(status),
            "can_manage": request.membership.role in MANAGING_ROLES,  # type: ignore[attr-defined]
        },
    )


def _product_page(
    request: HttpRequest, form: PackageProductForm, product: PackageProduct | None
) -> HttpResponse:
    sold = product is not None and product.sold.exists()
    return render(
        request,
        "packages/package_form.html",
        {"form": form, "product": product, "sold": sold},
        status=422 if form.errors else 200,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def package_create(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    if request.method == "GET":
        initial = PackageProductForm.initial_for(None, currency=tenant.currency)
        return _product_page(request, PackageProductForm(initial=initial), None)
    form = PackageProductForm(request.POST)
    if form.is_valid():
        try:
            product = services.package_product_create(tenant=tenant, data=form.product_data())
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{product.name}” was added.")
            return redirect("packages:package_list")
    return _product_page(request, form, None)


@managers_only
@require_http_methods(["GET", "POST"])
def package_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _found(selectors.package_product_get, product_id=product_id)
    if request.method == "GET":
        initial = PackageProductForm.initial_for(product, currency=product.currency)
        return _product_page(request, PackageProductForm(initial=initial), product)
    form = PackageProductForm(request.POST)
    if form.is_valid():
        try:
            services.package_product_update(product=product, data=form.product_data())
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{product.name}” was saved.")
            return redirect("packages:package_list")
    # The failed write may have set values on the instance; show the stored ones.
    return _product_page(request, form, selectors.package_product_get(product_id=product_id))


@managers_only
@require_POST
def package_delete(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _found(selectors.package_product_get, product_id=product_id)
    try:
        services.package_product_delete(product=product)
    except ProductInUseError:
        messages.error(
            request,
            f"Customers hold “{product.name}”, so it can't be deleted. Take it off sale instead.",
        )
        return redirect("packages:package_edit", product_id=product_id)
    messages.success(request, f"“{product.name}” was deleted.")
    return redirect("packages:package_list")


# --- a customer's packages -----------------------------------------------------------------


def customer_packages_context(
    *,
    customer: Customer,
    sell_form: PackageSellForm | None = None,
    adjust_form: CreditAdjustForm | None = None,
    adjust_package_id: int | None = None,
) -> dict[str, Any]:
    """What the profile's packages section shows (also used by its template tag)."""
    held = selectors.customer_credits_get(customer=customer, now=timezone.now())
    rows = []
    for item in held:
        form = None
        if item.state != "expired":
            if adjust_form is not None and adjust_package_id == item.package.pk:
                form = adjust_form
            else:
                form = CreditAdjustForm(prefix=f"adjust-{item.package.pk}")
        rows.append({"held": item, "adjust_form": form})
    return {
        "customer": customer,
        "rows": rows,
        "credits_total": selectors.customer_credits_total(held=held),
        "sell_form": sell_form or PackageSellForm(),
        "has_products": PackageProduct.objects.filter(is_active=True).exists(),
    }


def _customer_packages_page(
    request: HttpRequest, customer: Customer, status: int = 200, **forms_: Any
) -> HttpResponse:
    return render(
        request,
        "packages/customer_packages.html",
        customer_packages_context(customer=customer, **forms_),
        status=status,
    )


def _back_to_profile(customer: Customer) -> HttpResponse:
    return redirect(reverse("customers:customer_detail", args=[customer.pk]) + "#packages")


@managers_only
@require_GET
def customer_packages(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _found(customer_get, customer_id=customer_id)
    return _customer_packages_page(request, customer)


@managers_only
@require_POST
def customer_package_sell(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _found(customer_get, customer_id=customer_id)
    form = PackageSellForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            package = services.package_sell(
                customer=customer,
                product=data["product"],
                sale_method=data["sale_method"],
                price_paid=data["price_paid"],
                actor=_actor(request),
                now=timezone.now(),
            )
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{package.name} sold to {customer.full_name}: {package.balance} credits.",
            )
            return _back_to_profile(customer)
    return _customer_packages_page(request, customer, status=422, sell_form=form)


@managers_only
@require_POST
def customer_package_adjust(request: HttpRequest, package_id: int) -> HttpResponse:
    package = _found(selectors.customer_package_get, package_id=package_id)
    form = CreditAdjustForm(request.POST, prefix=f"adjust-{package.pk}")
    if form.is_valid():
        try:
            entry = services.credits_adjust(
                package=package,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=_actor(request),
                now=timezone.now(),
            )
        except InsufficientCreditsError as exc:
            form.add_error("amount", exc.detail)  # beside the number that asked too much
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{package.name}: {entry.amount:+d} credit{'' if abs(entry.amount) == 1 else 's'}, "
                f"{entry.balance_after} left.",
            )
            return _back_to_profile(package.customer)
    return _customer_packages_page(
        request,
        package.customer,
        status=422,
        adjust_form=form,
        adjust_package_id=package.pk,
    )
