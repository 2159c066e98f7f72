"""The operator console pages (platform host, /console/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shared_apps.console import selectors, services
from shared_apps.console.access import client_ip, operator_required
from shared_apps.console.forms import (
    AuditFilterForm,
    CancelForm,
    ImpersonateForm,
    ReactivateForm,
    StudioFilterForm,
    SuspendForm,
)
from shared_apps.console.models import ImpersonationEndReason
from shared_apps.core.errors import DomainError, NotFoundError, ValidationFailedError
from tenants.handoff import handoff_url
from tenants.models import Tenant
from tenants.usage import APPOINTMENTS_THIS_MONTH, CUSTOMERS, usage_counter_registered

# Which impersonation outcome the studio page explains (set by the studio host's redirect).
_IMPERSONATION_NOTICES = {
    "ended": "Your support session has ended and you were signed out of the studio.",
    "expired": "Your support session expired and you were signed out of the studio.",
    "invalid": "Your support session did not match the signed-in account and was ended.",
}


def _usage_columns() -> dict[str, bool]:
    return {
        "customers_counted": usage_counter_registered(CUSTOMERS),
        "appointments_counted": usage_counter_registered(APPOINTMENTS_THIS_MONTH),
    }


@require_GET
@operator_required
def studio_list_view(request: HttpRequest) -> HttpResponse:
    form = StudioFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "status": ""}
    result = selectors.studio_list(
        search=filters["q"], status=filters["status"], page=request.GET.get("page", 1)
    )
    context = {
        "nav": "studios",
        "form": form,
        "page": result.page,
        "rows": result.rows,
        "filtered": bool(filters["q"] or filters["status"]),
        **_usage_columns(),
    }
    return render(request, "console/studio_list.html", context)


def _detail_response(
    request: HttpRequest,
    slug: str,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        detail = selectors.studio_detail(slug=slug)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    action_forms: dict[str, forms.Form] = {
        "suspend_form": SuspendForm(),
        "cancel_form": CancelForm(),
        "reactivate_form": ReactivateForm(),
        "impersonate_form": ImpersonateForm(),
    }
    action_forms.update(bound or {})
    context: dict[str, Any] = {
        "nav": "studios",
        "detail": detail,
        "tenant": detail.row.tenant,
        "row": detail.row,
        "open_action": next(iter(bound), "") if bound else "",
        "impersonation_notice": _IMPERSONATION_NOTICES.get(request.GET.get("impersonation", "")),
        **action_forms,
        **_usage_columns(),
    }
    return render(request, "console/studio_detail.html", context, status=status)


@require_GET
@operator_required
def studio_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail_response(request, slug)


def _studio_or_404(slug: str) -> Tenant:
    try:
        return selectors.studio_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


def _detail_url(slug: str) -> str:
    return reverse("console:studio", kwargs={"slug": slug})


def _invalid(request: HttpRequest, slug: str, form_key: str, form: forms.Form) -> HttpResponse:
    return _detail_response(request, slug, bound={form_key: form})


def _apply_errors(form: forms.Form, error: ValidationFailedError) -> None:
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _run_action(
    request: HttpRequest,
    slug: str,
    form_key: str,
    form: forms.Form,
    action: Any,
    success: str,
) -> HttpResponse:
    """Shared shape of the studio actions: validate, call one service, report back."""
    tenant = _studio_or_404(slug)
    if not form.is_valid():
        return _invalid(request, slug, form_key, form)
    try:
        action(tenant=tenant, actor=request.user, ip=client_ip(request), **form.cleaned_data)
    except ValidationFailedError as exc:
        _apply_errors(form, exc)
        return _invalid(request, slug, form_key, form)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(_detail_url(slug))
    messages.success(request, success.format(name=tenant.name))
    return redirect(_detail_url(slug))


@require_POST
@operator_required
def studio_suspend_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _run_action(
        request,
        slug,
        "suspend_form",
        SuspendForm(request.POST),
        services.tenant_suspend,
        "{name} is suspended. Its pages and API are blocked; no data was changed.",
    )


@require_POST
@operator_required
def studio_cancel_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _run_action(
        request,
        slug,
        "cancel_form",
        CancelForm(request.POST),
        services.tenant_cancel,
        "{name} is cancelled. Its data is kept; reactivate to undo.",
    )


@require_POST
@operator_required
def studio_reactivate_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _run_action(
        request,
        slug,
        "reactivate_form",
        ReactivateForm(request.POST),
        services.tenant_reactivate,
        "{name} is live again.",
    )


@require_POST
@operator_required
def studio_impersonate_view(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _studio_or_404(slug)
    form = ImpersonateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, slug, "impersonate_form", form)
    try:
        session = services.impersonation_start(
            operator=request.user,  # type: ignore[arg-type]
            tenant=tenant,
            reason=form.cleaned_data["reason"],
            minutes=form.cleaned_data["minutes"],
            ip=client_ip(request),
        )
    except ValidationFailedError as exc:
        _apply_errors(form, exc)
        return _invalid(request, slug, "impersonate_form", form)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(_detail_url(slug))
    return HttpResponseRedirect(
        handoff_url(
            user_id=session.target_user_id,
            slug=tenant.slug,
            schema_name=tenant.schema_name,
            next_path="/app/",
            impersonation_id=session.pk,
        )
    )


@require_POST
@operator_required
def impersonation_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """End a support session from the console (the studio host signs the person out on its next
    request)."""
    session = selectors.impersonation_session_get(session_id=session_id)
    if session is None:
        raise Http404("No such session")
    services.impersonation_end(
        session=session, end_reason=ImpersonationEndReason.ENDED, ip=client_ip(request)
    )
    messages.success(request, "The support session has ended.")
    return redirect(_detail_url(session.tenant.slug))


@require_GET
@operator_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"studio": "", "action": ""}
    page = selectors.audit_entry_list(
        tenant_slug=filters["studio"], action=filters["action"], page=request.GET.get("page", 1)
    )
    context = {
        "nav": "audit",
        "form": form,
        "page": page,
        "filtered": bool(filters["studio"] or filters["action"]),
    }
    return render(request, "console/audit_log.html", context)
