"""Forms of the owner app's appointment list and approval queue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.scheduling.models import AppointmentStatus
from tenant_apps.scheduling.owner_selectors import AppointmentQuery

STATUS_CHOICES = (("", "Any status"), *AppointmentStatus.choices)


class AppointmentFilterForm(forms.Form):
    """The list's filters. Dates are the studio's calendar days, both included."""

    q = forms.CharField(label="Customer or reference", required=False, max_length=100)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    staff = forms.ModelChoiceField(
        label="Staff", queryset=StaffMember.objects.none(), required=False, empty_label="Everyone"
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Any service"
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, show_staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff_field = self.fields["staff"]
        service_field = self.fields["service"]
        assert isinstance(staff_field, forms.ModelChoiceField)
        assert isinstance(service_field, forms.ModelChoiceField)
        staff_field.queryset = StaffMember.objects.order_by("display_name", "pk")
        service_field.queryset = Service.objects.order_by("-is_active", "name", "pk")
        if not show_staff:
            del self.fields["staff"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def query(self, *, zone: ZoneInfo, today: date) -> AppointmentQuery:
        """The filters that are valid (an invalid one is shown beside its field and left
        out). Without dates, the list starts today."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        first = data.get("date_from")
        last = data.get("date_to")
        if "date_from" not in self.data and first is None:
            first = today
        return AppointmentQuery(
            start=_midnight(first, zone) if first else None,
            end=_midnight(last + timedelta(days=1), zone) if last else None,
            staff=data.get("staff"),
            service=data.get("service"),
            statuses=[data["status"]] if data.get("status") else [],
            search=data.get("q") or "",
        )


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # Each midnight is resolved on its own date, so a range across a DST change stays whole.
    return datetime.combine(day, time(0), zone)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the customer",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason: the customer is told why."},
    )
