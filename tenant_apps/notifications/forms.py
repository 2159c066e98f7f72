"""Forms of the owner page: the reminder settings and the delivery log's filter."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from tenant_apps.notifications.models import NotificationStatus

_TOKEN = re.compile(r"^(\d{1,6})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)?$", re.IGNORECASE)
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}


def offsets_parse(text: str) -> list[int]:
    """ "24h, 1h" / "1440, 60" / "1 day, 30 min" -> minutes. Raises ValidationError naming the
    part it could not read."""
    offsets = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = _TOKEN.match(part)
        if match is None:
            raise forms.ValidationError(
                f"“{part}” is not a time. Write minutes or hours, e.g. “24h, 1h” or “90m”."
            )
        number, unit = int(match.group(1)), (match.group(2) or "m")[0].lower()
        offsets.append(number * _UNIT_MINUTES[unit])
    return offsets


def offsets_format(offsets: list[int]) -> str:
    """The inverse, in the largest whole unit: [1440, 90] -> "24h, 90m"."""
    parts = []
    for minutes in sorted(offsets, reverse=True):
        parts.append(f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m")
    return ", ".join(parts)


class ReminderSettingsForm(forms.Form):
    reminders = forms.CharField(
        label="Send reminders before each appointment",
        required=False,
        max_length=100,
        help_text=(
            "Up to three times, separated by commas, e.g. “24h, 1h” or “2h, 30m”. "
            "Leave empty to send no reminders."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def clean_reminders(self) -> list[int]:
        return offsets_parse(self.cleaned_data.get("reminders") or "")

    @classmethod
    def initial_for(cls, offsets: list[int]) -> dict[str, Any]:
        return {"reminders": offsets_format(offsets)}


class DeliveryLogFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *NotificationStatus.choices],
    )
