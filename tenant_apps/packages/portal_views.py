"""The customer portal's credits (/portal/credits/): the signed-in customer's packages with
their balances, expiry dates and history. The customer is the portal's signed-in one
(tenant_apps.portal.session); nobody else's packages are ever shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tenant_apps.customers.models import Customer
from tenant_apps.packages import selectors
from tenant_apps.portal.session import portal_customer_required


@never_cache
@portal_customer_required
@require_GET
def portal_credits(request: HttpRequest) -> HttpResponse:
    customer = request.portal_customer  # type: ignore[attr-defined]
    assert isinstance(customer, Customer)  # portal_customer_required ran first
    held = selectors.customer_credits_get(customer=customer, now=timezone.now())
    return render(
        request,
        "packages/portal_credits.html",
        {
            "customer": customer,
            "held": held,
            "credits_total": selectors.customer_credits_total(held=held),
            "portal_signed_in": True,
            "portal_section": "credits",
        },
    )
