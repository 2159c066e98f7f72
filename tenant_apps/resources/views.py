"""Owner-app screens of rooms and equipment under /app/resources/: the list, a new resource,
a resource's page (its details, what needs it, its upcoming reservations) and deactivating.

Every member may look; owners and managers change things (the forms are not found for staff).
Each write goes through one resources service; its field problems are shown beside the inputs.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.core.errors import DomainError, NotFoundError
from tenant_apps.catalog.forms import problem_to_form
from tenant_apps.resources import selectors, services
from tenant_apps.resources.forms import ResourceFilterForm, ResourceForm
from tenant_apps.resources.models import Resource
from tenant_apps.scheduling.selectors import zone_or_utc
from tenants.access import MANAGING_ROLES, request_can_manage, studio_member_required

members_only = studio_member_required()
managers_only = studio_member_required(roles=MANAGING_ROLES)


def _resource_or_404(resource_id: int) -> Resource:
    try:
        return selectors.resource_get(resource_id=resource_id)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


@members_only
@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "status": ""}
    page = selectors.resource_page(
        search=filters["q"], status=filters["status"], page=request.GET.get("page", 1)
    )
    return render(
        request,
        "resources/resource_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters["q"] or filters["status"]),
            "can_manage": request_can_manage(request),
        },
    )


@managers_only
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ResourceForm(initial=ResourceForm.initial_for(None))
    else:
        form = ResourceForm(request.POST)
        if form.is_valid():
            try:
                resource = services.resource_create(data=form.resource_data(), now=timezone.now())
            except DomainError as exc:
                problem_to_form(form, exc)
            else:
                messages.success(request, f"“{resource.name}” was added.")
                return redirect("resources:resource_detail", resource_id=resource.pk)
    return render(request, "resources/resource_form.html", {"form": form, "resource": None})


def _detail_page(
    request: HttpRequest, resource: Resource, form: ResourceForm | None
) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "resources/resource_detail.html",
        {
            "resource": resource,
            "form": form,
            "can_manage": request_can_manage(request),
            "needed_by": selectors.resource_needed_by(resource=resource),
            "upcoming": selectors.resource_upcoming_usage(resource=resource, now=timezone.now()),
            "zone": zone_or_utc(tenant.timezone),
        },
    )


@members_only
@require_http_methods(["GET", "POST"])
def resource_detail(request: HttpRequest, resource_id: int) -> HttpResponse:
    """The resource's page; owners and managers edit it here too."""
    resource = _resource_or_404(resource_id)
    can_manage = request_can_manage(request)
    if request.method == "GET":
        form = ResourceForm(initial=ResourceForm.initial_for(resource)) if can_manage else None
        return _detail_page(request, resource, form)
    if not can_manage:
        raise Http404("No such page")
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            services.resource_update(
                resource=resource, data=form.resource_data(), now=timezone.now()
            )
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{resource.name}” was saved.")
            return redirect("resources:resource_detail", resource_id=resource.pk)
    # The failed write may have set values on the instance; show the stored ones.
    return _detail_page(request, _resource_or_404(resource_id), form)


@managers_only
@require_POST
def resource_deactivate(request: HttpRequest, resource_id: int) -> HttpResponse:
    """Deactivate (nothing can reserve it any more; history and held units stay) or restore."""
    resource = _resource_or_404(resource_id)
    restore = request.POST.get("action") == "restore"
    services.resource_update(resource=resource, data={"is_active": restore}, now=timezone.now())
    if restore:
        messages.success(request, f"“{resource.name}” is active again.")
    else:
        messages.success(
            request,
            f"“{resource.name}” was deactivated: services that need it can't be booked until "
            "you restore it or change what they need.",
        )
    return redirect("resources:resource_detail", resource_id=resource.pk)
