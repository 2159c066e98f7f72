"""System checks that fail fast on a tenancy misconfiguration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def tenancy_settings_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.MIDDLEWARE[:3][-1] != "tenants.middleware.CachedTenantMiddleware":
        errors.append(
            Error(
                "CachedTenantMiddleware must come right after the request-id and "
                "health-check middleware",
                id="tenants.E001",
            )
        )
    if not getattr(settings, "TENANT_LIMIT_SET_CALLS", False):
        errors.append(Error("TENANT_LIMIT_SET_CALLS must be True", id="tenants.E002"))
    key_function = settings.CACHES["default"].get("KEY_FUNCTION", "")
    if key_function != "shared_apps.core.cache_keys.make_key":
        errors.append(
            Error("The cache KEY_FUNCTION must prefix keys with the schema", id="tenants.E003")
        )
    overlap = set(settings.TENANT_APPS) & {"django.contrib.auth", "django.contrib.contenttypes"}
    if overlap:
        errors.append(
            Error("auth and contenttypes live in the public schema only", id="tenants.E004")
        )
    return errors
