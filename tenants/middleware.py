"""Tenant resolution and the gate for suspended or cancelled studios."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from shared_apps.core.problems import is_api_request, problem_response
from tenants.models import TenantStatus
from tenants.resolution import tenant_for_host
from tenants.urls import platform_url


class _UnknownHostError(Exception):
    pass


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with the host lookup served from the cache and a friendly
    "no studio here" page for unknown hosts."""

    TENANT_NOT_FOUND_EXCEPTION = _UnknownHostError

    def get_tenant(self, domain_model, hostname):  # type: ignore[no-untyped-def]
        tenant = tenant_for_host(hostname)
        if tenant is None:
            raise domain_model.DoesNotExist
        return tenant

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        if is_api_request(request):
            return problem_response(
                status=404,
                code="unknown_studio",
                title="No studio here",
                detail=f"No studio is served at {hostname}.",
            )
        return render(
            request,
            "errors/unknown_studio.html",
            {"hostname": hostname, "platform_url": platform_url("/")},
            status=404,
        )


class TenantStatusMiddleware:
    """A suspended or cancelled studio shows a notice on every page and answers 403 problem+json
    on its API. Its data is untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if (
            tenant is None
            or tenant.schema_name == get_public_schema_name()
            or not tenant.is_blocked
        ):
            return self.get_response(request)
        suspended = tenant.status == TenantStatus.SUSPENDED
        if is_api_request(request):
            return problem_response(
                status=403,
                code="studio_suspended" if suspended else "studio_cancelled",
                title="This studio is suspended" if suspended else "This studio is closed",
                detail=(
                    f"{tenant.name} is suspended; its API is unavailable."
                    if suspended
                    else f"{tenant.name} has closed its account."
                ),
            )
        return render(
            request,
            "errors/studio_unavailable.html",
            {"studio": tenant, "suspended": suspended, "platform_url": platform_url("/")},
            status=403,
        )
