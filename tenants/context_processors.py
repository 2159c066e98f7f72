from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from tenants.urls import platform_url


def studio(request: HttpRequest) -> dict[str, Any]:
    """`studio` is the current studio on a studio host, None on the platform's own host."""
    tenant = getattr(request, "tenant", None)
    is_studio = tenant is not None and tenant.schema_name != get_public_schema_name()
    return {"studio": tenant if is_studio else None, "platform_home_url": platform_url("/")}
