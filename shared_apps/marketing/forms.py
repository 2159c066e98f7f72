"""The sign-up form: parses what the visitor typed; the rules live in the services."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse

from shared_apps.accounts.models import User
from shared_apps.marketing.selectors import plan_list_public
from shared_apps.marketing.services import SignupRequest, signup_problems
from tenants.currencies import CURRENCIES

OWNER_FIELDS = ("full_name", "email", "password")


@cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class SignupForm(forms.Form):
    studio_name = forms.CharField(
        label="Studio name",
        max_length=120,
        error_messages={"required": "Enter your studio's name."},
        widget=forms.TextInput(
            attrs={"autocomplete": "organization", "placeholder": "e.g. Harbour Pilates"}
        ),
    )
    slug = forms.CharField(
        label="Subdomain",
        error_messages={"required": "Choose a subdomain for your booking pages."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "maxlength": "40",
                "placeholder": "harbour-pilates",
            }
        ),
    )
    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Work email",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter a valid email address.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@studio.com"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Choose a password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        initial="UTC",
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )
    currency = forms.ChoiceField(
        label="Currency",
        initial="USD",
        choices=CURRENCIES,
        error_messages={"invalid_choice": "Choose a currency from the list."},
    )

    plan_code = forms.ChoiceField(
        label="Plan",
        required=False,
        error_messages={"invalid_choice": "Choose a plan from the list."},
        help_text="Free during the trial. You can change plans at any time.",
    )

    def __init__(self, *args: Any, owner: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        plan_field = self.fields["plan_code"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = [
            (plan.code, f"{plan.name} · {plan.price_label} {plan.currency}/month")
            for plan in plan_list_public()
        ]
        slug_widget = self.fields["slug"].widget
        slug_widget.attrs.update(
            {
                "hx-get": reverse("marketing:signup-check-subdomain"),
                "hx-trigger": "input changed delay:350ms, suggested delay:350ms",
                "hx-target": "#slug-status",
                "hx-swap": "outerHTML",
            }
        )
        timezone_field = self.fields["timezone"]
        assert isinstance(timezone_field, forms.ChoiceField)
        timezone_field.choices = timezone_choices()
        # app.js presets the zone from the browser, unless the visitor already chose one.
        timezone_field.widget.attrs["data-browser-timezone"] = ""
        if self.is_bound or self.initial.get("timezone"):
            timezone_field.widget.attrs["data-bound"] = "1"
        currency_field = self.fields["currency"]
        assert isinstance(currency_field, forms.ChoiceField)
        currency_field.choices = [(code, f"{code} · {name}") for code, name in CURRENCIES]
        self.fields["password"].help_text = "At least 8 characters; not too common, not all digits."
        self.fields["slug"].help_text = (
            f"Your booking pages will live at <name>.{settings.PLATFORM_DOMAIN}. "
            "Lowercase letters, digits and hyphens."
        )
        if owner is not None:
            # A signed-in person adds a studio to their own account.
            for name in OWNER_FIELDS:
                del self.fields[name]

    def clean_slug(self) -> str:
        return str(self.cleaned_data["slug"]).strip().lower()

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # All the rules at once, so every field shows its problem on the first submit.
        problems = signup_problems(data=self.to_request(cleaned), owner=self.owner)
        for field, messages in problems.items():
            target = field if field in self.fields else None
            if target is not None and target in self.errors:
                continue  # the field already says what is wrong with it
            for message in messages:
                self.add_error(target, message)
        return cleaned

    def to_request(self, cleaned: dict[str, Any] | None = None) -> SignupRequest:
        data = self.cleaned_data if cleaned is None else cleaned
        return SignupRequest(
            studio_name=data.get("studio_name", ""),
            slug=data.get("slug", ""),
            timezone=data.get("timezone", ""),
            currency=data.get("currency", ""),
            full_name=data.get("full_name", ""),
            email=data.get("email", ""),
            password=data.get("password", ""),
            plan_code=data.get("plan_code", ""),
        )
