"""Owner-app screens of customers under /app/customers/: the searchable list, profiles with
booking history, create and edit, merging duplicates, and CSV export and import.

Owners and managers only (staff get the not-found page, as tenants.access decides). Each write
goes through one customers service; its field problems are shown beside the inputs and nothing
is saved until every field is right.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.models import User
from shared_apps.core.errors import DomainError, NotFoundError
from tenant_apps.catalog.forms import problem_to_form
from tenant_apps.customers import selectors, services
from tenant_apps.customers.csv_io import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    ImportFileError,
    export_rows,
    import_file_read,
)
from tenant_apps.customers.forms import (
    CustomerForm,
    CustomerImportForm,
    CustomerMergeForm,
    CustomerNotesForm,
    CustomerSearchForm,
)
from tenant_apps.customers.models import Customer
from tenant_apps.studio.navigation import url_or_none
from tenants.access import MANAGING_ROLES, studio_member_required

PAGE_SIZE = 25
HISTORY_PAST_LIMIT = 50

managers_only = studio_member_required(roles=MANAGING_ROLES)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # studio_member_required ran first
    return user


def _customer(customer_id: int) -> Customer:
    try:
        return selectors.customer_get(customer_id=customer_id)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


def _filters(request: HttpRequest) -> tuple[CustomerSearchForm, str, str]:
    form = CustomerSearchForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["q"], form.cleaned_data["tag"]
    return form, "", ""


# --- list and export -----------------------------------------------------------------------


@managers_only
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    form, query, tag = _filters(request)
    customers = selectors.customer_search(query=query, tag=tag, now=timezone.now())
    page: Page[Customer] = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/customer_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "tag": tag,
            "tags": selectors.customer_tag_list(),
            "filtered": bool(query or tag),
            "export_query": request.GET.urlencode() if query or tag else "",
        },
    )


@managers_only
@require_GET
def customer_export(request: HttpRequest) -> StreamingHttpResponse:
    """The list as CSV: every customer, or those matching the list's search and tag."""
    _, query, tag = _filters(request)
    customers = selectors.customer_search(query=query, tag=tag, now=timezone.now())
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(
        export_rows(customers.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    suffix = "-filtered" if query or tag else ""
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}{suffix}.csv"'
    response["Cache-Control"] = "no-store"  # personal data: never in a shared cache
    return response


# --- create, profile, edit, delete ---------------------------------------------------------


@managers_only
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(data=form.cleaned_data)
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"{customer.full_name} was added.")
            return redirect("customers:customer_detail", customer_id=customer.pk)
    status = 422 if form.errors else 200
    return render(
        request, "customers/customer_form.html", {"form": form, "customer": None}, status=status
    )


def _profile(
    request: HttpRequest, customer: Customer, notes_form: CustomerNotesForm, status: int = 200
) -> HttpResponse:
    history = selectors.customer_history_get(
        customer=customer, now=timezone.now(), past_limit=HISTORY_PAST_LIMIT
    )
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "history": history,
            "history_limit": HISTORY_PAST_LIMIT,
            "notes_form": notes_form,
            "calendar_url": url_or_none("scheduling:calendar"),
        },
        status=status,
    )


@managers_only
@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(customer_id)
    form = CustomerNotesForm(initial={"tags": customer.tags, "notes": customer.notes})
    return _profile(request, customer, form)


@managers_only
@require_POST
def customer_notes(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The profile's quick edit of notes and tags."""
    customer = _customer(customer_id)
    form = CustomerNotesForm(request.POST)
    if form.is_valid():
        try:
            services.customer_update(customer=customer, data=form.cleaned_data)
        except DomainError as exc:
            customer.refresh_from_db()
            problem_to_form(form, exc)
        else:
            messages.success(request, "Notes and tags saved.")
            return redirect("customers:customer_detail", customer_id=customer.pk)
    return _profile(request, customer, form, status=422)


@managers_only
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(customer_id)
    if request.method == "GET":
        form = CustomerForm(initial=CustomerForm.initial_for(customer))
    else:
        form = CustomerForm(request.POST)
        if form.is_valid():
            try:
                services.customer_update(customer=customer, data=form.cleaned_data)
            except DomainError as exc:
                customer.refresh_from_db()
                problem_to_form(form, exc)
            else:
                messages.success(request, "Customer details saved.")
                return redirect("customers:customer_detail", customer_id=customer.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer},
        status=status,
    )


@managers_only
@require_POST
def customer_delete(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(customer_id)
    try:
        services.customer_delete(customer=customer)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("customers:customer_detail", customer_id=customer.pk)
    messages.success(request, f"{customer.full_name} was deleted.")
    return redirect("customers:customer_list")


# --- merge ---------------------------------------------------------------------------------


def _merge_page(
    request: HttpRequest,
    customer: Customer,
    *,
    other: Customer | None,
    form: CustomerMergeForm | None,
    status: int = 200,
) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    context: dict[str, Any] = {
        "customer": customer,
        "other": other,
        "form": form,
        "query": query,
        "candidates": []
        if other
        else selectors.customer_duplicate_candidates(customer=customer, query=query),
    }
    if other is not None:
        now = timezone.now()
        for key, person in (("this_count", customer), ("other_count", other)):
            history = selectors.customer_history_get(customer=person, now=now, past_limit=0)
            context[key] = history.total
    return render(request, "customers/customer_merge.html", context, status=status)


@managers_only
@require_http_methods(["GET", "POST"])
def customer_merge(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Pick a duplicate of this customer, compare the two, choose the one to keep, merge."""
    customer = _customer(customer_id)
    if request.method == "GET":
        other_id = request.GET.get("other", "")
        if not other_id.isdigit():
            return _merge_page(request, customer, other=None, form=None)
        other = _customer(int(other_id))
        form = CustomerMergeForm(initial={"other": other.pk, "keep": "this"})
        return _merge_page(request, customer, other=other, form=form)
    form = CustomerMergeForm(request.POST)
    if not form.is_valid():
        other_id = request.POST.get("other", "")
        if not other_id.isdigit():
            return redirect("customers:customer_merge", customer_id=customer.pk)
        return _merge_page(request, customer, other=_customer(int(other_id)), form=form, status=422)
    other = _customer(form.cleaned_data["other"])
    survivor, duplicate = (
        (customer, other) if form.cleaned_data["keep"] == "this" else (other, customer)
    )
    try:
        result = services.customer_merge(
            survivor=survivor, duplicate=duplicate, acting_user=_user(request), now=timezone.now()
        )
    except DomainError as exc:
        problem_to_form(form, exc)
        return _merge_page(request, customer, other=other, form=form, status=exc.status)
    moved = ", ".join(f"{count} {label}" for label, count in result.moved.items())
    messages.success(
        request,
        f"Merged: {duplicate.full_name} ({duplicate.email}) is now part of "
        f"{survivor.full_name}." + (f" Moved {moved}." if moved else ""),
    )
    return redirect("customers:customer_detail", customer_id=survivor.pk)


# --- import --------------------------------------------------------------------------------


@managers_only
@require_http_methods(["GET", "POST"])
def customer_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV. "Check" validates every row and writes nothing; "Import" writes, all or
    nothing or just the valid rows as the owner chose."""
    context: dict[str, Any] = {
        "max_mb": IMPORT_MAX_BYTES // 1024 // 1024,
        "max_rows": IMPORT_MAX_ROWS,
    }
    if request.method == "GET":
        context["form"] = CustomerImportForm()
        return render(request, "customers/customer_import.html", context)
    form = CustomerImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "customers/customer_import.html", context, status=422)
    try:
        parsed = import_file_read(form.cleaned_data["file"])
    except ImportFileError as exc:
        form.add_error("file", str(exc))
        return render(request, "customers/customer_import.html", context, status=422)
    dry_run = "check" in request.POST
    result = services.customer_import(
        rows=parsed.rows,
        mode=services.ImportMode(form.cleaned_data["mode"]),
        existing=services.ExistingPolicy(form.cleaned_data["existing"]),
        dry_run=dry_run,
    )
    context.update(
        {"result": result, "dry_run": dry_run, "ignored_columns": parsed.ignored_columns}
    )
    if result.written:
        messages.success(
            request,
            f"Import finished: {result.created} added, {result.updated} updated"
            + (f", {len(result.errors)} rows skipped" if result.errors else "")
            + ".",
        )
    status = 422 if result.errors and not result.written and not dry_run else 200
    return render(request, "customers/customer_import.html", context, status=status)
