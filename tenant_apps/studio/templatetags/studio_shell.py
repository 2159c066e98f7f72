"""Template tags of the owner-app layout (templates/layouts/app.html).

The layout gets everything it needs from the request, so any owner-app view can extend it
without passing navigation or switcher data in its context.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import membership_list_for_user
from tenant_apps.studio.navigation import ResolvedNavItem, app_navigation
from tenants.models import Membership

register = template.Library()

# Stroke icons on a 24px grid (drawn in the style of Feather icons).
_ICONS: dict[str, str] = {
    "home": '<path d="M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z"/>',
    "calendar": '<rect x="3" y="4.5" width="18" height="17" rx="2"/><path d="M16 2.5v4M8 2.5v4M3 '
    '10h18"/>',
    "check-square": '<path d="m9 11 3 3 9-9"/><path d="M20 12v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 '
    '2 0 0 1 2-2h11"/>',
    "layers": '<path d="M12 2 2 7l10 5 10-5z"/><path d="m2 17 10 5 10-5M2 12l10 5 10-5"/>',
    "users": '<path d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2"/><circle cx="9" cy="7" r="4"/>'
    '<path d="M23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75"/>',
    "tag": '<path d="M20.59 13.41 13.42 20.58a2 2 0 0 1-2.83 0L2 12V2h10l8.59 8.59a2 2 0 0 1 0 '
    '2.82z"/><path d="M7 7h.01"/>',
    "user-check": '<path d="M16 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2"/><circle cx="8.5" cy="7" '
    'r="4"/><path d="m17 11 2 2 4-4"/>',
    "user-plus": '<path d="M16 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2"/><circle cx="8.5" cy="7" '
    'r="4"/><path d="M20 8v6M23 11h-6"/>',
    "box": '<path d="M21 16V8a2 2 0 0 0-1-1.73l-7-4a2 2 0 0 0-2 0l-7 4A2 2 0 0 0 3 8v8a2 2 0 0 0 1 '
    '1.73l7 4a2 2 0 0 0 2 0l7-4A2 2 0 0 0 21 16z"/><path d="M3.27 6.96 12 12.01l8.73-5.05M12 '
    '22.08V12"/>',
    "credit-card": '<rect x="1.5" y="4.5" width="21" height="15" rx="2"/><path d="M1.5 10h21"/>',
    "bar-chart": '<path d="M18 20V10M12 20V4M6 20v-6"/>',
    "sliders": '<path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6"/>',
    "menu": '<path d="M3 12h18M3 6h18M3 18h18"/>',
    "chevron-down": '<path d="m6 9 6 6 6-6"/>',
    "check": '<path d="M20 6 9 17l-5-5"/>',
    "mail": '<path d="M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>'
    '<path d="m22 6-10 7L2 6"/>',
    "phone": '<path d="M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 '
    "1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 "
    "2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 "
    '2.81.7A2 2 0 0 1 22 16.92z"/>',
    "map-pin": '<path d="M21 10c0 7-9 13-9 13s-9-6-9-13a9 9 0 0 1 18 0z"/><circle cx="12" '
    'cy="10" r="3"/>',
    "globe": '<circle cx="12" cy="12" r="10"/><path d="M2 12h20M12 2a15.3 15.3 0 0 1 4 10 15.3 '
    '15.3 0 0 1-4 10 15.3 15.3 0 0 1-4-10 15.3 15.3 0 0 1 4-10z"/>',
    "log-out": '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9"/>',
    "external-link": '<path d="M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 '
    '3h6v6M10 14 21 3"/>',
    "image": '<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="8.5" cy="8.5" r="1.5"/>'
    '<path d="m21 15-5-5L5 21"/>',
    "code": '<path d="m16 18 6-6-6-6M8 6l-6 6 6 6"/>',
    "grid": '<rect x="3" y="3" width="7" height="7" rx="1"/><rect x="14" y="3" width="7" '
    'height="7" rx="1"/><rect x="14" y="14" width="7" height="7" rx="1"/><rect x="3" y="14" '
    'width="7" height="7" rx="1"/>',
    "arrow-right": '<path d="M5 12h14M12 5l7 7-7 7"/>',
    "clock": '<circle cx="12" cy="12" r="10"/><path d="M12 6v6l4 2"/>',
    "shield": '<path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z"/>',
    "store": '<path d="M3 9 4.5 4h15L21 9M3 9v11h18V9M3 9h18M9 20v-6h6v6"/>',
}


@register.simple_tag
def icon(name: str, size: int = 18) -> SafeString:
    paths = _ICONS.get(name, "")
    return format_html(
        '<svg class="icon" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false">{}</svg>',
        size,
        size,
        mark_safe(paths),  # constant markup from the table above, never user input
    )


@register.simple_tag(takes_context=True)
def app_nav(context: dict[str, Any]) -> list[ResolvedNavItem]:
    request = context["request"]
    membership = getattr(request, "membership", None)
    return app_navigation(role=membership.role if membership else None, path=request.path)


@register.simple_tag(takes_context=True)
def other_studio_memberships(context: dict[str, Any]) -> list[Membership]:
    """The signed-in person's memberships of studios other than the one on screen."""
    request = context["request"]
    user = request.user
    if not isinstance(user, User):
        return []
    tenant = getattr(request, "tenant", None)
    current = tenant.pk if tenant is not None else None
    return [m for m in membership_list_for_user(user=user) if m.tenant_id != current]


@register.simple_tag
def impersonation_banner_templates() -> list[str]:
    """The console's banner partial when it exists, else ours (select_template semantics of
    {% include %} with a list)."""
    return ["console/_impersonation_banner.html", "studio/_impersonation_banner.html"]


@register.filter
def initials(user: Any) -> str:
    full_name = (getattr(user, "full_name", "") or "").strip()
    if full_name:
        return "".join(part[0] for part in full_name.split()[:2]).upper()
    return (getattr(user, "email", "") or "?")[:1].upper()
