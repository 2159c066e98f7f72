"""Absolute URLs for the platform's hosts (links that cross from one host to another)."""

from __future__ import annotations

from django.conf import settings


def _origin(host: str) -> str:
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{host}{port}"


def studio_host(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def studio_url(slug: str, path: str = "/") -> str:
    return _origin(studio_host(slug)) + path


def platform_url(path: str = "/") -> str:
    return _origin(settings.PLATFORM_DOMAIN) + path
