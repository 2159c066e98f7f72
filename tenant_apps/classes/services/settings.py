"""The studio's waitlist and late-cancel rules."""

from __future__ import annotations

from django.db import transaction

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.classes.models import ClassSettings, WaitlistMode

MAX_CLAIM_WINDOW_MINUTES = 7 * 24 * 60
MAX_HOURS = 14 * 24


def class_settings_update(
    *,
    waitlist_mode: str,
    claim_window_minutes: int,
    close_window_hours: int,
    late_cancel_hours: int,
    late_cancel_forfeits_credit: bool,
) -> ClassSettings:
    """Replace the studio's rules (all fields at once; the owner app's form and PUT send
    them all)."""
    problems: dict[str, list[str]] = {}
    if waitlist_mode not in WaitlistMode.values:
        problems["waitlist_mode"] = ['Use "automatic" or "offer".']
    if not 5 <= claim_window_minutes <= MAX_CLAIM_WINDOW_MINUTES:
        problems["claim_window_minutes"] = ["Give 5 minutes to 7 days (in minutes)."]
    if not 0 <= close_window_hours <= MAX_HOURS:
        problems["close_window_hours"] = [f"Give 0 to {MAX_HOURS} hours."]
    if not 0 <= late_cancel_hours <= MAX_HOURS:
        problems["late_cancel_hours"] = [f"Give 0 to {MAX_HOURS} hours."]
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    with transaction.atomic():
        settings, _ = ClassSettings.objects.select_for_update().get_or_create(
            pk=ClassSettings.SINGLETON_ID
        )
        settings.waitlist_mode = waitlist_mode
        settings.claim_window_minutes = claim_window_minutes
        settings.close_window_hours = close_window_hours
        settings.late_cancel_hours = late_cancel_hours
        settings.late_cancel_forfeits_credit = late_cancel_forfeits_credit
        settings.save(
            update_fields=[
                "waitlist_mode",
                "claim_window_minutes",
                "close_window_hours",
                "late_cancel_hours",
                "late_cancel_forfeits_credit",
                "updated_at",
            ]
        )
    return settings
