"""Forms of the owner app's resource screens. The services hold the rules (quantity against
upcoming reservations and services' needs); `errors_to_form` puts their problems beside the
inputs."""

from __future__ import annotations

from typing import Any

from django import forms

from tenant_apps.catalog.forms import ColorInput
from tenant_apps.resources.models import Resource, ResourceKind


class ResourceForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, help_text="e.g. Reformer or Small studio.")
    kind = forms.ChoiceField(label="Kind", choices=ResourceKind.choices)
    quantity = forms.IntegerField(
        label="Quantity",
        min_value=1,
        max_value=10_000,
        help_text="How many identical units: 12 reformers, or 1 for a room.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    color = forms.CharField(label="Colour in the calendar", widget=ColorInput, initial="#8a6ef7")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def resource_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_for(cls, resource: Resource | None) -> dict[str, Any]:
        if resource is None:
            return {"kind": ResourceKind.ROOM, "quantity": 1, "color": Resource().color}
        return {name: getattr(resource, name) for name in cls.base_fields}


class ResourceFilterForm(forms.Form):
    STATUS_CHOICES = (
        ("", "All"),
        ("active", "Active"),
        ("inactive", "Deactivated"),
    )

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
