"""Helpers for the class page tests: a session in the coming weeks (the pages read the real
clock), who is signed in, and a portal customer's session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenant_apps.portal.session import SESSION_KEY
from tenants.models import Tenant

LONDON = ZoneInfo("Europe/London")


def next_monday(weeks: int = 1) -> date:
    """A Monday `weeks` weeks ahead, on the studio's (alpha's: London) clock."""
    today = timezone.now().astimezone(LONDON).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def client_as(tenant: Tenant, user: User | None) -> TenantClient:
    client = TenantClient(tenant)
    if user is not None:
        client.force_login(user)
    return client


def call(client: TenantClient, method: str, path: str, data: Any = None) -> Any:
    """A request through the whole stack; the ORM stays in the studio's schema afterwards."""
    response = getattr(client, method)(path, data or {})
    connection.set_tenant(client.tenant)
    return response


def portal_client(tenant: Tenant, customer: Customer) -> TenantClient:
    """A browser signed in to the portal as `customer` (the session entry the portal's sign-in
    writes)."""
    client = TenantClient(tenant)
    session = client.session
    session[SESSION_KEY] = {"schema": tenant.schema_name, "id": customer.pk}
    session.save()
    return client


def html(response: Any) -> str:
    return str(response.content.decode())
