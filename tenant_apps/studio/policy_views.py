"""The booking policies page under /app/policies/ (owners and managers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import DomainError
from tenant_apps.studio.navigation import url_or_none
from tenant_apps.studio.policies import (
    MAX_MINUTES,
    BookingPolicies,
    service_policy_list,
    studio_policies_update,
)
from tenants.access import MANAGING_ROLES, studio_member_required
from tenants.models import Membership, Tenant

UNITS = {"minutes": 1, "hours": 60, "days": 1440}


def _split(minutes: int) -> tuple[int, str]:
    """Minutes as the largest whole unit (90 -> 90 minutes, 1440 -> 1 day)."""
    for unit in ("days", "hours"):
        if minutes and minutes % UNITS[unit] == 0:
            return minutes // UNITS[unit], unit
    return minutes, "minutes"


def minutes_label(minutes: int) -> str:
    """90 -> "90 minutes", 1440 -> "1 day", 0 -> "None"."""
    if not minutes:
        return "None"
    number, unit = _split(minutes)
    return f"{number} {unit.removesuffix('s') if number == 1 else unit}"


class DurationWidget(forms.MultiWidget):
    def __init__(self) -> None:
        super().__init__(
            [
                forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
                forms.Select(choices=[(u, u) for u in UNITS]),
            ]
        )

    def decompress(self, value: Any) -> list[Any]:
        if value is None:
            return [None, "hours"]
        return list(_split(int(value)))


class DurationField(forms.MultiValueField):
    """A number and a unit, cleaned to minutes."""

    widget = DurationWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=0, max_value=MAX_MINUTES),
            forms.ChoiceField(choices=[(u, u) for u in UNITS]),
        )
        kwargs.setdefault(
            "error_messages", {"required": "Enter a number.", "incomplete": "Enter a number."}
        )
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> int | None:
        if not data_list:
            return None
        number, unit = data_list
        minutes = int(number) * UNITS[unit]
        if minutes > MAX_MINUTES:
            raise forms.ValidationError(f"Use at most {MAX_MINUTES // 1440} days.")
        return minutes


class PoliciesForm(forms.Form):
    min_notice_minutes = DurationField(
        label="Minimum notice for bookings",
        help_text="How far ahead customers must book. 0 lets them book any free time, even "
        "in a few minutes.",
    )
    cancel_notice_minutes = DurationField(
        label="Customers can cancel until",
        help_text="before the start, in their booking portal. Later, they contact you.",
    )
    reschedule_notice_minutes = DurationField(
        label="Customers can reschedule until",
        help_text="before the start, in their booking portal.",
    )
    apply_to_services = forms.BooleanField(
        label="Also apply these to every service now", required=False
    )


def _policies_page(request: HttpRequest, form: PoliciesForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "studio/policies.html",
        {
            "form": form,
            "services": [
                {
                    "service": service,
                    "min_notice": minutes_label(service.min_notice_minutes),
                    "cancel": minutes_label(service.cancel_notice_minutes),
                    "reschedule": minutes_label(service.reschedule_notice_minutes),
                }
                for service in service_policy_list()
            ],
            "notifications_url": url_or_none("notifications:delivery_log"),
        },
        status=status,
    )


@studio_member_required(roles=MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def policies(request: HttpRequest) -> HttpResponse:
    tenant: Tenant = Tenant.objects.get(pk=request.tenant.pk)  # type: ignore[attr-defined]
    acting: Membership = request.membership  # type: ignore[attr-defined]
    current = BookingPolicies.of(tenant)
    if request.method == "GET":
        return _policies_page(request, PoliciesForm(initial=vars(current)))
    form = PoliciesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = studio_policies_update(
                tenant=tenant,
                acting=acting,
                policies=BookingPolicies(
                    min_notice_minutes=data["min_notice_minutes"],
                    cancel_notice_minutes=data["cancel_notice_minutes"],
                    reschedule_notice_minutes=data["reschedule_notice_minutes"],
                ),
                apply_to_services=data["apply_to_services"],
            )
        except DomainError as exc:
            for field, problems in exc.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not exc.errors:
                form.add_error(None, exc.detail)
        else:
            message = "Booking policies saved."
            if data["apply_to_services"]:
                message += f" {changed} service{'s' if changed != 1 else ''} updated."
            messages.success(request, message)
            return redirect("studio:policies")
    return _policies_page(request, form, status=422)
