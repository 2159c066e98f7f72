"""Defaults every new studio starts with (called by tenants.provisioning)."""

from __future__ import annotations

from typing import Any

from tenant_apps.catalog.models import BookingPage

DEFAULT_PAGE_SLUG = "book"


def default_booking_page_create(*, tenant: Any) -> None:
    BookingPage.objects.get_or_create(
        slug=DEFAULT_PAGE_SLUG,
        defaults={
            "title": f"Book with {tenant.name}",
            "intro": "Choose a service and a time that suits you.",
            "policy_text": "Please let us know at least 24 hours ahead if you can't make it.",
        },
    )
