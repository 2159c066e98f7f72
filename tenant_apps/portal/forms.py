"""Forms of the customer portal (labels and errors are what the customer reads)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from tenant_apps.customers.models import Customer
from tenant_apps.portal.services import REASON_MAX_LENGTH
from tenant_apps.studio.services import phone_problems


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Enter the email address you booked with.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="Optional: let the studio know why.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RescheduleDayForm(forms.Form):
    """The day to show free times for: from today up to how far ahead the service may be
    booked."""

    day = forms.DateField(
        label="Day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date."},
    )

    def __init__(self, *args: Any, first: date, last: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first, self.last = first, last
        self.fields["day"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day < self.first:
            raise forms.ValidationError("Choose today or a later day.")
        if day > self.last:
            raise forms.ValidationError(
                f"This service can be booked up to {self.last:%d %B %Y}; choose an earlier day."
            )
        return day


class RescheduleForm(forms.Form):
    start = forms.DateTimeField(
        label="New time", error_messages={"required": "Choose one of the free times."}
    )
    day = forms.DateField(widget=forms.HiddenInput)


class ProfileForm(forms.Form):
    """A plain form: the service validates and writes (a ModelForm would change the customer
    object before the service could see what changed)."""

    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your name."},
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    reminders_enabled = forms.BooleanField(
        label="Email me a reminder before each appointment", required=False
    )
    marketing_consent = forms.BooleanField(
        label="Send me news and offers from the studio", required=False
    )

    def clean_phone(self) -> str:
        # Checked here as well as in the service, so all field errors show at once.
        phone = str(self.cleaned_data.get("phone", "")).strip()
        if problems := phone_problems(phone):
            raise forms.ValidationError(problems)
        return phone

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        return {name: getattr(customer, name) for name in cls.base_fields}


def reschedule_range(today: date, max_advance_days: int) -> tuple[date, date]:
    return today, today + timedelta(days=max_advance_days)
