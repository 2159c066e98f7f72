"""The customer profile's packages section, rendered by the packages app (the profile only
includes it), so the customers app needs to know nothing about packages."""

from __future__ import annotations

from typing import Any

from django import template

from tenant_apps.customers.models import Customer

register = template.Library()


@register.inclusion_tag("packages/_customer_packages_panel.html", takes_context=True)
def customer_packages_panel(context: template.Context, customer: Customer) -> dict[str, Any]:
    from tenant_apps.packages.views import customer_packages_context

    return {
        **customer_packages_context(customer=customer),
        "csrf_token": context.get("csrf_token"),
        "studio": context.get("studio"),
    }
