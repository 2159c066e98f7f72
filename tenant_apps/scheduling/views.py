"""Owner-app pages of scheduling: the live calendar.

The page is a shell: appointments are read and changed through the owner REST API
(/api/v1/appointments/), live changes arrive over /ws/calendar/, and the shading of unbookable
time, the group classes and the resources view come from the JSON endpoints below. Views parse,
call one selector, and render.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shared_apps.core.problems import problem_response
from tenant_apps.catalog.serializers import flat_errors
from tenant_apps.classes.models import ClassSession
from tenant_apps.classes.services.common import session_payload
from tenant_apps.resources.serializers import reservation_holder
from tenant_apps.scheduling.calendar_selectors import (
    calendar_class_session_list,
    calendar_reservation_list,
    calendar_resource_list,
    calendar_service_list,
    calendar_shading_get,
    calendar_staff_ids,
    calendar_staff_list,
)
from tenant_apps.scheduling.models import AppointmentStatus
from tenant_apps.scheduling.selectors import zone_or_utc
from tenant_apps.scheduling.serializers import AppointmentRangeQuerySerializer
from tenants.access import MANAGING_ROLES, studio_member_required
from tenants.models import Membership, Tenant

# What the calendar shows until the user changes the filter: everything that holds or held the
# time. Cancelled and rejected bookings are one click away.
DEFAULT_STATUSES = (
    AppointmentStatus.PENDING,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


@studio_member_required()
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    tenant = _tenant(request)
    staff = list(calendar_staff_list(membership=membership))
    can_manage = membership.role in MANAGING_ROLES
    own = next((s for s in staff if s.user_id == membership.user_id), None)
    config: dict[str, Any] = {
        "timezone": zone_or_utc(tenant.timezone).key,
        "currency": tenant.currency,
        "canManage": can_manage,
        "ownStaffId": own.pk if own is not None else None,
        "staff": [
            {
                "id": s.pk,
                "name": s.display_name,
                "color": s.color,
                "services": [service.pk for service in s.services.all()],
            }
            for s in staff
        ],
        "services": [
            {
                "id": s.pk,
                "name": s.name,
                "color": s.color,
                "duration": s.duration_minutes,
                "active": s.is_active,
            }
            for s in calendar_service_list()
        ],
        "statuses": [{"value": s.value, "label": s.label} for s in AppointmentStatus],
        "defaultStatuses": [s.value for s in DEFAULT_STATUSES],
        # Owners and managers may switch to a column per room or equipment pool.
        "resources": [
            {"id": r.pk, "name": r.name, "color": r.color, "quantity": r.quantity}
            for r in (calendar_resource_list() if can_manage else [])
        ],
        "urls": {
            "appointments": "/api/v1/appointments/",
            "customers": "/api/v1/customers/",
            "shading": reverse("scheduling:calendar_shading"),
            "reservations": reverse("scheduling:calendar_reservations"),
            "classes": reverse("scheduling:calendar_classes"),
            "socket": "/ws/calendar/",
        },
    }
    return render(
        request,
        "scheduling/calendar.html",
        {
            "config": config,
            "staff": staff,
            "can_manage": can_manage,
            "unlinked_staff": not can_manage and own is None,
        },
    )


def _span(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


STAFF_NOT_SHOWN = "Choose one of the staff members shown on your calendar."


def _invalid(errors: dict[str, list[str]]) -> HttpResponse:
    return problem_response(
        status=422,
        code="validation_error",
        title="Some fields are invalid",
        detail="Check the fields listed in errors.",
        errors=errors,
    )


def _calendar_range(request: HttpRequest) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """?start=&end= read as the appointment list reads its range (in the studio's zone): the
    span, and the field errors (none when it is valid)."""
    zone = zone_or_utc(_tenant(request).timezone)
    query = AppointmentRangeQuerySerializer(data=request.GET, context={"zone": zone})
    if query.is_valid():
        return query.validated_data, {}
    return {}, flat_errors(query.errors)


@studio_member_required()
@require_GET
def calendar_shading(request: HttpRequest) -> HttpResponse:
    """?start=&end=[&staff=]: each visible staff member's time outside working hours and time
    off in the range (as the appointment list reads its range), and when nobody works."""
    membership = _membership(request)
    span, errors = _calendar_range(request)
    staff = list(calendar_staff_list(membership=membership))
    raw_staff = request.GET.get("staff", "").strip()
    if raw_staff:
        chosen = [s for s in staff if str(s.pk) == raw_staff]
        if not chosen:
            errors["staff"] = [STAFF_NOT_SHOWN]
        staff = chosen
    if errors:
        return _invalid(errors)
    shading = calendar_shading_get(
        staff=staff,
        studio_timezone=_tenant(request).timezone,
        start=span["start"],
        end=span["end"],
    )
    return JsonResponse(
        {
            "start": span["start"].isoformat(),
            "end": span["end"].isoformat(),
            "staff": [
                {
                    "id": member.staff_id,
                    "closed": [_span(a, b) for a, b in member.closed],
                    "time_off": [
                        {**_span(off.start, off.end), "reason": off.reason}
                        for off in member.time_off
                    ],
                }
                for member in shading.staff
            ],
            "nobody_works": [_span(a, b) for a, b in shading.nobody_works],
        }
    )


@studio_member_required(roles=MANAGING_ROLES)
@require_GET
def calendar_reservations(request: HttpRequest) -> HttpResponse:
    """?start=&end=: the calendar's resources view, owners and managers only: every active
    reservation in the range (as the appointment list reads its range), a column per room or
    equipment pool; units held at once sit side by side in it."""
    span, errors = _calendar_range(request)
    if errors:
        return _invalid(errors)
    rows = calendar_reservation_list(start=span["start"], end=span["end"])
    return JsonResponse(
        {
            "start": span["start"].isoformat(),
            "end": span["end"].isoformat(),
            "reservations": [
                {
                    "id": row.pk,
                    "resource": row.resource_id,
                    "unit": row.unit,
                    **_span(row.start, row.end),
                    "holder": reservation_holder(row),
                }
                for row in rows
            ],
        }
    )


def _class_session_json(session: ClassSession) -> dict[str, Any]:
    """A session as the calendar draws it: the live event's payload plus its owner page."""
    return {
        **session_payload(session, waitlisted=session.waitlisted),  # type: ignore[attr-defined]
        "url": reverse("classes:session_detail", args=[session.pk]),
    }


@studio_member_required()
@require_GET
def calendar_classes(request: HttpRequest) -> HttpResponse:
    """?start=&end=[&staff=]: the group classes (scheduled and cancelled) overlapping the range
    (as the appointment list reads its range), taught by the staff this member sees on the
    calendar (owners and managers: everyone; staff: themselves), with their seats and waitlists.
    The sessions come in one query."""
    membership = _membership(request)
    span, errors = _calendar_range(request)
    raw_staff = request.GET.get("staff", "").strip()
    # Owners and managers see every instructor's classes: no need to list them first.
    instructor_ids: list[int] | None = None
    if raw_staff or membership.role not in MANAGING_ROLES:
        visible = calendar_staff_ids(membership=membership)
        instructor_ids = [pk for pk in visible if not raw_staff or str(pk) == raw_staff]
        if raw_staff and not instructor_ids:
            errors["staff"] = [STAFF_NOT_SHOWN]
    if errors:
        return _invalid(errors)
    sessions = calendar_class_session_list(
        start=span["start"], end=span["end"], instructor_ids=instructor_ids
    )
    return JsonResponse(
        {
            "start": span["start"].isoformat(),
            "end": span["end"].isoformat(),
            "sessions": [_class_session_json(session) for session in sessions],
        }
    )
