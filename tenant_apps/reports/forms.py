"""The range picker of the dashboard, the reports page and the CSV exports (query parameters)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.reports.periods import (
    MAX_RANGE_DAYS,
    Grouping,
    Preset,
    ReportRange,
    default_grouping,
    preset_days,
)
from tenant_apps.scheduling.models import AppointmentStatus


class ReportRangeForm(forms.Form):
    """Bound to request.GET. A preset (last 7/30/90 days, this month) or custom dates; the
    grouping defaults to one that suits the range's length."""

    preset = forms.ChoiceField(
        label="Period",
        choices=[(p.value, p.label) for p in Preset],
        required=False,
        initial=Preset.LAST_30.value,
    )
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    group = forms.ChoiceField(
        label="Group by",
        choices=[("", "Automatic"), *((g.value, g.label) for g in Grouping)],
        required=False,
    )

    def __init__(self, data: Any = None, *, today: date, timezone: str, **kwargs: Any) -> None:
        # An empty query string is the default view, not an invalid one.
        super().__init__(data if data else None, **kwargs)
        self.today = today
        self.timezone = timezone
        for name in ("start", "end"):
            self.fields[name].widget.attrs.setdefault("aria-describedby", "range-help")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        preset = cleaned.get("preset") or (
            Preset.CUSTOM.value if start or end else Preset.LAST_30.value
        )
        cleaned["preset"] = preset
        if preset != Preset.CUSTOM.value:
            return cleaned
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        if start is None:
            self.add_error("start", "Choose the first day of the range.")
        if end is None:
            self.add_error("end", "Choose the last day of the range.")
        if start is None or end is None:
            return cleaned
        if end < start:
            self.add_error("end", "The last day must be on or after the first day.")
        elif (end - start).days + 1 > MAX_RANGE_DAYS:
            self.add_error("end", f"A report covers at most {MAX_RANGE_DAYS} days.")
        return cleaned

    def report_range(self) -> ReportRange:
        """The validated range (the default, last 30 days, for an unbound form)."""
        if not self.is_bound:
            first, last = preset_days(Preset.LAST_30, today=self.today)
            return ReportRange(first, last, default_grouping(first, last), self.timezone)
        if not self.is_valid():
            raise ValueError("report_range() needs a valid form")
        preset = Preset(self.cleaned_data["preset"])
        if preset == Preset.CUSTOM:
            first, last = self.cleaned_data["start"], self.cleaned_data["end"]
        else:
            first, last = preset_days(preset, today=self.today)
        group = self.cleaned_data.get("group")
        grouping = Grouping(group) if group else default_grouping(first, last)
        return ReportRange(first, last, grouping, self.timezone)


class ReportFilterForm(ReportRangeForm):
    """The reports page and its exports: the range plus who and what."""

    staff = forms.ModelChoiceField(
        label="Staff",
        queryset=StaffMember.objects.order_by("display_name", "pk"),
        required=False,
        empty_label="Everyone",
    )
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.order_by("name", "pk"),
        required=False,
        empty_label="All services",
    )


class AppointmentExportForm(ReportFilterForm):
    """The appointment export also filters by status (repeat `status` to give several)."""

    status = forms.MultipleChoiceField(
        label="Status", choices=AppointmentStatus.choices, required=False
    )
