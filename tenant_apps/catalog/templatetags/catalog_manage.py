"""Template filters of the owner app's management screens."""

from __future__ import annotations

from typing import Any

from django import template

from tenant_apps.scheduling.availability_services import hhmm

register = template.Library()


@register.filter
def clock_span(interval: Any) -> str:
    """The interval as "HH:MM", an en dash, "HH:MM" (24:00: until midnight)."""
    return f"{hhmm(interval.start_minute)}–{hhmm(interval.end_minute)}"


@register.filter
def minutes_human(minutes: int | None) -> str:
    """ "2 days", "90 min", "3 h" — how a policy window reads in a list."""
    if minutes is None:
        return "—"
    if minutes == 0:
        return "any time"
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"
