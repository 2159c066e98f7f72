"""Owner-app screens of appointments under /app/: the appointment list and the approval queue.

Every member uses them; staff see (and decide on) only their own bookings. Confirming and
rejecting go through scheduling.services.appointment_transition, which re-checks the time: a
booking that can no longer be confirmed answers 409 with the reason on the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from shared_apps.accounts.models import User
from shared_apps.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tenant_apps.scheduling import owner_selectors
from tenant_apps.scheduling.access import access_appointment_by_id
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.owner_forms import AppointmentFilterForm, RejectForm
from tenant_apps.scheduling.selectors import zone_or_utc
from tenant_apps.scheduling.services import Actor, appointment_transition
from tenant_apps.studio.navigation import url_or_none
from tenants.access import studio_member_required
from tenants.models import Membership, Tenant

members_only = studio_member_required()


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # studio_member_required ran first
    return user


@members_only
@require_GET
def appointment_list(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    zone = zone_or_utc(tenant.timezone)
    viewer = owner_selectors.viewer_for(membership=_membership(request))
    today = timezone.now().astimezone(zone).date()
    form = AppointmentFilterForm(request.GET, show_staff=viewer.sees_all)
    query = form.query(zone=zone, today=today)
    page = owner_selectors.appointment_page(
        viewer=viewer, query=query, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "scheduling/appointments.html",
        {
            "form": form,
            "page": page,
            "viewer": viewer,
            "zone": zone.key,
            "today": today,
            "calendar_url": url_or_none("scheduling:calendar"),
            "pending_count": owner_selectors.pending_count(viewer=viewer),
            "filtered": any(
                request.GET.get(name) for name in ("q", "staff", "service", "status", "date_to")
            )
            or request.GET.get("date_from", today.isoformat()) != today.isoformat(),
        },
    )


def _queue_page(
    request: HttpRequest,
    *,
    status: int = 200,
    problem: tuple[int, str] | None = None,
    reject_form: tuple[int, RejectForm] | None = None,
) -> HttpResponse:
    """The queue, with one booking's refusal (`problem`) or invalid reject form shown on its
    card."""
    tenant = _tenant(request)
    viewer = owner_selectors.viewer_for(membership=_membership(request))
    page = owner_selectors.pending_queue_page(viewer=viewer, page=request.GET.get("page", 1))
    cards: list[dict[str, Any]] = []
    for appointment in page.object_list:
        form = RejectForm(auto_id=f"id_%s_{appointment.pk}")
        if reject_form is not None and reject_form[0] == appointment.pk:
            form = reject_form[1]
        cards.append(
            {
                "appointment": appointment,
                "reject_form": form,
                "problem": problem[1] if problem and problem[0] == appointment.pk else None,
            }
        )
    return render(
        request,
        "scheduling/approvals.html",
        {
            "page": page,
            "cards": cards,
            "viewer": viewer,
            "zone": zone_or_utc(tenant.timezone).key,
            "now": timezone.now(),
            "calendar_url": url_or_none("scheduling:calendar"),
            "problem": problem,
        },
        status=status,
    )


@members_only
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


def _appointment_for_change(request: HttpRequest, appointment_id: int) -> Appointment:
    """The booking, if this member may decide on it: another studio's id, or a booking staff
    may not see, is not found."""
    try:
        return access_appointment_by_id(
            membership=_membership(request), appointment_id=appointment_id, for_change=True
        )
    except (NotFoundError, PermissionDeniedError) as exc:
        raise Http404(exc.detail) from exc


def _label(appointment: Appointment, tenant: Tenant) -> str:
    local = timezone.localtime(appointment.start, zone_or_utc(tenant.timezone))
    return (
        f"{appointment.customer.full_name}'s {appointment.service.name} "
        f"on {local:%a %-d %b at %H:%M}"
    )


@members_only
@require_POST
def approval_confirm(request: HttpRequest, appointment_id: int) -> HttpResponse:
    tenant = _tenant(request)
    appointment = _appointment_for_change(request, appointment_id)
    try:
        appointment_transition(
            appointment=appointment,
            to_status=AppointmentStatus.CONFIRMED,
            actor=Actor.for_user(_user(request)),
            now=timezone.now(),
            studio_timezone=tenant.timezone,
        )
    except ConflictError as exc:
        # The time is no longer free (or the booking changed meanwhile): say why, keep it.
        return _queue_page(request, status=409, problem=(appointment.pk, exc.detail))
    messages.success(request, f"Confirmed {_label(appointment, tenant)}. The customer is told.")
    return redirect("scheduling:approval_queue")


@members_only
@require_POST
def approval_reject(request: HttpRequest, appointment_id: int) -> HttpResponse:
    tenant = _tenant(request)
    appointment = _appointment_for_change(request, appointment_id)
    form = RejectForm(request.POST, auto_id=f"id_%s_{appointment.pk}")
    if not form.is_valid():
        return _queue_page(request, reject_form=(appointment.pk, form))
    try:
        appointment_transition(
            appointment=appointment,
            to_status=AppointmentStatus.REJECTED,
            actor=Actor.for_user(_user(request)),
            now=timezone.now(),
            studio_timezone=tenant.timezone,
            reason=form.cleaned_data["reason"],
        )
    except ValidationFailedError as exc:
        for message in exc.errors.get("reason", [exc.detail]):
            form.add_error("reason", message)
        return _queue_page(request, reject_form=(appointment.pk, form))
    except ConflictError as exc:
        return _queue_page(request, status=409, problem=(appointment.pk, exc.detail))
    messages.success(request, f"Declined {_label(appointment, tenant)}. The customer is told why.")
    return redirect("scheduling:approval_queue")
