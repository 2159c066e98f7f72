"""The owner app's sidebar: one list, resolved against the URL names that exist right now.

A capability that has not shipped yet has no route, so its item renders disabled with a "Soon"
badge instead of linking to a placeholder page. When an app adds the named route, its item lights
up without touching the layout: keep the names below in step with the apps' urls.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from tenants.access import MANAGING_ROLES


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset[str] | None = None  # None: every member


@dataclass(frozen=True)
class ResolvedNavItem:
    label: str
    icon: str
    url: str | None
    active: bool

    @property
    def soon(self) -> bool:
        return self.url is None


APP_NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Dashboard", "studio:dashboard", "home"),
    NavItem("Calendar", "scheduling:calendar", "calendar"),
    NavItem("Appointments", "scheduling:appointment_list", "check-square"),
    NavItem("Classes", "classes:session_list", "layers"),
    NavItem("Customers", "customers:customer_list", "users"),
    NavItem("Services", "catalog:service_list", "tag"),
    NavItem("Staff", "catalog:staff_list", "user-check"),
    NavItem("Resources", "resources:resource_list", "box"),
    NavItem("Packages", "packages:package_list", "credit-card"),
    NavItem("Reports", "reports:overview", "bar-chart", roles=MANAGING_ROLES),
    NavItem("Reviews", "reviews:review_list", "check", roles=MANAGING_ROLES),
    NavItem("Notifications", "notifications:delivery_log", "mail", roles=MANAGING_ROLES),
    NavItem("Team", "studio:team", "users", roles=MANAGING_ROLES),
    NavItem("Booking policies", "studio:policies", "check-square", roles=MANAGING_ROLES),
    NavItem("Settings", "studio:settings", "sliders", roles=MANAGING_ROLES),
)


def url_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _is_active(url: str, path: str) -> bool:
    if url == "/app/":
        return path == url
    return path == url or path.startswith(url.rstrip("/") + "/")


def app_navigation(*, role: str | None, path: str) -> list[ResolvedNavItem]:
    items = []
    for item in APP_NAVIGATION:
        if item.roles is not None and role not in item.roles:
            continue
        url = url_or_none(item.url_name)
        items.append(
            ResolvedNavItem(
                label=item.label,
                icon=item.icon,
                url=url,
                active=url is not None and _is_active(url, path),
            )
        )
    return items
