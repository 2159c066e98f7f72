"""Owner app shell on a studio's host: the public start page, dashboard and studio settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shared_apps.accounts.models import User
from shared_apps.core.errors import PermissionDeniedError, ValidationFailedError
from tenant_apps.booking import views as booking_views
from tenant_apps.reports.charts import summary_chart
from tenant_apps.reports.forms import ReportRangeForm
from tenant_apps.scheduling.selectors import zone_or_utc
from tenant_apps.studio.forms import StudioSettingsForm
from tenant_apps.studio.selectors import studio_dashboard_get, studio_get
from tenant_apps.studio.services import studio_settings_update
from tenants.access import MANAGING_ROLES, membership_for, studio_member_required
from tenants.models import Role, Tenant


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # studio_member_required ran first
    return user


@require_GET
def studio_home(request: HttpRequest) -> HttpResponse:
    """ "/" on a studio host: members go to their app; everyone else sees the studio's home
    page with its services, staff, reviews and booking buttons (tenant_apps.booking)."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if membership_for(request.user, tenant) is not None:
        return redirect("studio:dashboard")
    return booking_views.studio_home(request)


@studio_member_required()
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The day at a glance for everyone; the range's figures and charts for owners and
    managers (the range comes from the query string, like the reports page's)."""
    tenant = studio_get(tenant=request.tenant)  # type: ignore[attr-defined]
    membership = request.membership  # type: ignore[attr-defined]
    now = timezone.now()
    form = None
    report_range = None
    if membership.role in MANAGING_ROLES:
        form = ReportRangeForm(
            request.GET,
            today=now.astimezone(zone_or_utc(tenant.timezone)).date(),
            timezone=tenant.timezone,
        )
        if not form.is_bound or form.is_valid():
            report_range = form.report_range()
    data = studio_dashboard_get(
        tenant=tenant,
        user=_user(request),
        membership=membership,
        now=now,
        report_range=report_range,
    )
    context = {
        "profile": tenant,
        "dashboard": data,
        "form": form,
        "chart": summary_chart(data.summary) if data.summary else None,
        "query": request.GET.urlencode(),
    }
    status = 400 if form is not None and report_range is None else 200
    return render(request, "studio/dashboard.html", context, status=status)


@studio_member_required(roles=MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def studio_settings(request: HttpRequest) -> HttpResponse:
    """Owners edit; managers see the settings read-only (a POST from them is refused)."""
    tenant = studio_get(tenant=request.tenant)  # type: ignore[attr-defined]
    can_edit = request.membership.role == Role.OWNER  # type: ignore[attr-defined]
    initial = StudioSettingsForm.initial_for(tenant)
    if request.method == "GET" or not can_edit:
        form = StudioSettingsForm(initial=initial, read_only=not can_edit)
        if request.method == "POST":
            messages.error(request, "Only the studio's owners can change its settings.")
        return _settings_page(
            request, tenant, form, can_edit, 403 if request.method == "POST" else 200
        )
    form = StudioSettingsForm(request.POST, request.FILES, initial=initial)
    if form.is_valid():
        try:
            studio_settings_update(tenant=tenant, acting_user=_user(request), **form.cleaned_data)
        except ValidationFailedError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except PermissionDeniedError as exc:
            messages.error(request, exc.detail)
            return _settings_page(request, tenant, form, can_edit, status=403)
        else:
            messages.success(request, "Studio settings saved.")
            return redirect("studio:settings")
    return _settings_page(request, tenant, form, can_edit)


def _settings_page(
    request: HttpRequest,
    tenant: Tenant,
    form: StudioSettingsForm,
    can_edit: bool,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "studio/settings.html",
        {"profile": tenant, "form": form, "can_edit": can_edit},
        status=status,
    )
