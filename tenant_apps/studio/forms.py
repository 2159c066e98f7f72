"""Forms of the owner app shell. They parse input; services validate the rules and write."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from tenant_apps.studio.services import logo_problems, phone_problems, website_problems
from tenants.currencies import CURRENCIES
from tenants.models import Tenant


@cache
def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(zone, zone.replace("_", " ")) for zone in zones]


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in CURRENCIES]


class StudioSettingsForm(forms.Form):
    name = forms.CharField(label="Studio name", max_length=120)
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        help_text="Opening hours, bookings and reminders use this time zone.",
    )
    currency = forms.ChoiceField(
        label="Currency", choices=currency_choices, help_text="Prices and payments use it."
    )
    contact_email = forms.EmailField(
        label="Contact email",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "hello@studio.com"}),
    )
    contact_phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "placeholder": "+44 20 7946 0321"}
        ),
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    # A text input: the rules (http or https only) are the service's, shown beside the field.
    website = forms.CharField(
        label="Website",
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://yourstudio.com"}),
    )
    logo = forms.FileField(
        label="Upload a new logo",
        required=False,
        help_text="PNG, JPEG or WebP, up to 2 MB. A square image looks best.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    # Field checks reuse the service's rules, so every problem shows at once (the service checks
    # again before it writes: it is the authority).
    def clean_contact_phone(self) -> str:
        value: str = self.cleaned_data["contact_phone"]
        if problems := phone_problems(value):
            raise forms.ValidationError(problems)
        return value

    def clean_website(self) -> str:
        value: str = self.cleaned_data["website"]
        if value and "://" not in value:
            value = f"https://{value}"  # people type "yourstudio.com"
        if problems := website_problems(value):
            raise forms.ValidationError(problems)
        return value

    def clean_logo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo")
        if upload is not None:
            problems, _ = logo_problems(upload)
            if problems:
                raise forms.ValidationError(problems)
        return upload

    @classmethod
    def initial_for(cls, tenant: Tenant) -> dict[str, Any]:
        return {
            "name": tenant.name,
            "timezone": tenant.timezone,
            "currency": tenant.currency,
            "contact_email": tenant.contact_email,
            "contact_phone": tenant.contact_phone,
            "address": tenant.address,
            "website": tenant.website,
        }
