"""Input of the console's pages (parsing only; the rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from shared_apps.console.models import AuditAction
from shared_apps.console.services import IMPERSONATION_DEFAULT_MINUTES
from tenants.models import TenantStatus

_STATUS_FILTER_CHOICES = [
    ("", "All statuses"),
    *[(value, label) for value, label in TenantStatus.choices],
]
_ACTION_FILTER_CHOICES = [("", "All actions"), *AuditAction.choices]


class StudioFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=_STATUS_FILTER_CHOICES)


class AuditFilterForm(forms.Form):
    studio = forms.CharField(required=False, max_length=40, label="Studio (subdomain)")
    action = forms.ChoiceField(required=False, choices=_ACTION_FILTER_CHOICES)


def _reason_field(label: str, help_text: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        required=required,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter a reason; it is kept in the audit log."},
    )


class SuspendForm(forms.Form):
    reason = _reason_field(
        "Reason for the suspension", "Kept in the audit log and shown to operators."
    )


class CancelForm(forms.Form):
    reason = _reason_field("Reason for the cancellation", "Kept in the audit log.")


class ReactivateForm(forms.Form):
    reason = _reason_field("Note (optional)", "Kept in the audit log.", required=False)


class ImpersonateForm(forms.Form):
    reason = _reason_field(
        "Why do you need to sign in as the owner?",
        "For example a support ticket number. Kept in the audit log.",
    )
    minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=1,
        initial=IMPERSONATION_DEFAULT_MINUTES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        maximum = settings.IMPERSONATION_MAX_MINUTES
        field = self.fields["minutes"]
        assert isinstance(field, forms.IntegerField)
        field.max_value = maximum
        field.validators.append(MaxValueValidator(maximum))
        field.widget.attrs.update({"max": maximum, "min": 1})
        field.help_text = f"At most {maximum} minutes. The session ends on its own after that."
