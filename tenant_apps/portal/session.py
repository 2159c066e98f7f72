"""The customer's portal session: not a platform login, just the customer's id in the Django
session, next to (and independent of) any staff login in the same browser.

The entry names the studio's schema as well as the customer: cookies are per host anyway, but
a session must never carry one studio's customer id into another studio, whatever the cookie
settings become.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tenant_apps.customers.models import Customer
from tenant_apps.portal.selectors import customer_get
from tenants.db import current_schema

SESSION_KEY = "portal_customer"


def portal_login(request: HttpRequest, customer: Customer) -> None:
    # A new session key on every sign-in: a key planted before sign-in (session fixation) is
    # worthless afterwards.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"schema": current_schema(), "id": customer.pk}


def portal_logout(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def portal_customer(request: HttpRequest) -> Customer | None:
    entry = request.session.get(SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("schema") != current_schema():
        return None
    customer_id = entry.get("id")
    if not isinstance(customer_id, int):
        return None
    return customer_get(customer_id=customer_id)


def portal_customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Views of a signed-in customer: the customer is put on `request.portal_customer`;
    anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        customer = portal_customer(request)
        if customer is None:
            return redirect("portal:home")
        request.portal_customer = customer  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped
