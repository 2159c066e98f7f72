"""Reports under /app/reports/: the overview page and its CSV exports (owners and managers:
they show revenue)."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from shared_apps.core.problems import problem_response
from tenant_apps.reports.charts import report_chart
from tenant_apps.reports.csv_export import (
    APPOINTMENT_HEADER,
    REPORT_TABLES,
    appointment_rows,
    csv_lines,
    report_filename,
    report_table,
)
from tenant_apps.reports.forms import AppointmentExportForm, ReportFilterForm
from tenant_apps.reports.selectors import ReportFilters, appointment_export_list, report_get
from tenant_apps.scheduling.selectors import zone_or_utc
from tenants.access import MANAGING_ROLES, studio_member_required
from tenants.models import Tenant

# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
UTF8_BOM = "\ufeff"


def _studio(request: HttpRequest) -> Tenant:
    tenant = request.tenant  # type: ignore[attr-defined]
    assert isinstance(tenant, Tenant)
    return tenant


def _today(tenant: Tenant) -> date:
    return timezone.now().astimezone(zone_or_utc(tenant.timezone)).date()


def _filters(form: ReportFilterForm) -> ReportFilters:
    staff, service = form.cleaned_data.get("staff"), form.cleaned_data.get("service")
    return ReportFilters(
        staff_id=staff.pk if staff else None, service_id=service.pk if service else None
    )


@studio_member_required(roles=MANAGING_ROLES)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    tenant = _studio(request)
    form = ReportFilterForm(request.GET, today=_today(tenant), timezone=tenant.timezone)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/overview.html", {"form": form, "report": None}, status=400)
    report = report_get(
        report_range=form.report_range(),
        currency=tenant.currency,
        studio_timezone=tenant.timezone,
        filters=_filters(form) if form.is_bound else ReportFilters(),
    )
    query = request.GET.urlencode()
    return render(
        request,
        "reports/overview.html",
        {
            "form": form,
            "report": report,
            "chart": report_chart(report),
            "query": query,
            "tables": REPORT_TABLES,
        },
    )


def _csv_response(lines: list[str], filename: str) -> HttpResponse:
    response = HttpResponse(UTF8_BOM + "".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _invalid(form: ReportFilterForm) -> HttpResponse:
    return problem_response(
        status=400,
        code="validation_error",
        title="Some fields are invalid",
        detail="The export's range or filters are invalid.",
        errors={field: [str(e) for e in errors] for field, errors in form.errors.items()},
    )


@studio_member_required(roles=MANAGING_ROLES)
@require_GET
def export_table(request: HttpRequest, table: str) -> HttpResponse:
    if table not in REPORT_TABLES:
        raise Http404("No such report table")
    tenant = _studio(request)
    form = ReportFilterForm(request.GET, today=_today(tenant), timezone=tenant.timezone)
    if form.is_bound and not form.is_valid():
        return _invalid(form)
    report_range = form.report_range()
    report = report_get(
        report_range=report_range,
        currency=tenant.currency,
        studio_timezone=tenant.timezone,
        filters=_filters(form) if form.is_bound else ReportFilters(),
        service_limit=None,  # the file has every service, the page the top ten
    )
    header, rows = report_table(report, table)
    return _csv_response(list(csv_lines(header, rows)), report_filename(report_range, table))


@studio_member_required(roles=MANAGING_ROLES)
@require_GET
def export_appointments(request: HttpRequest) -> HttpResponse:
    tenant = _studio(request)
    form = AppointmentExportForm(request.GET, today=_today(tenant), timezone=tenant.timezone)
    if form.is_bound and not form.is_valid():
        return _invalid(form)
    report_range = form.report_range()
    appointments = appointment_export_list(
        report_range=report_range,
        filters=_filters(form) if form.is_bound else ReportFilters(),
        statuses=tuple(form.cleaned_data.get("status") or ()) if form.is_bound else (),
    )
    rows = appointment_rows(appointments, zone=zone_or_utc(tenant.timezone))
    return _csv_response(
        list(csv_lines(APPOINTMENT_HEADER, rows)),
        report_filename(report_range, "appointments"),
    )
