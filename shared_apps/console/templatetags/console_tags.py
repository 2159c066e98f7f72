"""Small display helpers for the console templates."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_STATUS_BADGES = {
    "trialing": "badge-info",
    "active": "badge-ok",
    "past_due": "badge-warn",
    "suspended": "badge-danger",
    "cancelled": "",
    "provisioning": "",
}
_ACTION_BADGES = {
    "tenant.suspend": "badge-danger",
    "tenant.cancel": "badge-warn",
    "tenant.delete": "badge-danger",
    "tenant.reactivate": "badge-ok",
    "impersonation.start": "badge-info",
    "impersonation.end": "",
}


@register.filter
def status_badge(status: str) -> str:
    """CSS modifier of the badge for a studio status."""
    return _STATUS_BADGES.get(str(status), "")


@register.filter
def action_badge(action: str) -> str:
    return _ACTION_BADGES.get(str(action), "")


@register.filter
def initials(name: str) -> str:
    parts = [p for p in str(name).replace("@", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def domain_url(domain: str) -> str:
    """Absolute URL of a studio's host name (same scheme and port rules as tenants.urls)."""
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{domain}{port}/"


@register.filter
def breakable(value: str | None) -> SafeString | str:
    """An email or host name that may wrap after "@" and before dots, never mid-word."""
    if not value:
        return ""
    text = str(escape(value)).replace("@", "@<wbr>").replace(".", "<wbr>.")
    return mark_safe(text)  # escaped above; only <wbr> is added
