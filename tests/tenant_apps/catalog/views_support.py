"""Helpers for the owner-app screen tests (catalog and appointment screens): who is signed in,
and the permission matrix every screen is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenants.models import Role, Tenant
from tests.tenant_apps.catalog.api_support import member

LOGIN = "/accounts/login/"


@dataclass(frozen=True)
class People:
    owner: User
    manager: User
    staff: User
    outsider: User  # beta's owner: signed in, but not a member of alpha


def people_create(alpha: Tenant, beta: Tenant) -> People:
    return People(
        owner=User.objects.get(email="owner@alpha.test"),
        manager=member(alpha, Role.MANAGER),
        staff=member(alpha, Role.STAFF),
        outsider=User.objects.get(email="owner@beta.test"),
    )


def client_as(tenant: Tenant, user: User | None) -> TenantClient:
    client = TenantClient(tenant)
    if user is not None:
        client.force_login(user)
    return client


def request_as(tenant: Tenant, user: User | None, method: str, path: str, data: Any = None) -> Any:
    client = client_as(tenant, user)
    response = getattr(client, method)(path, data or {})
    connection.set_tenant(tenant)  # the ORM keeps working in the studio's schema
    return response


def assert_matrix(
    tenant: Tenant,
    who: People,
    method: str,
    path: str,
    *,
    managers: int | None,
    staff: int,
    data: Any = None,
) -> None:
    """Anonymous people go to the login page; another studio's owner gets a 404; owners and
    managers get `managers` (None: not tried, for writes that can only happen once), staff
    `staff` (404 where the page is not theirs)."""
    anonymous = request_as(tenant, None, method, path, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(LOGIN)
    assert request_as(tenant, who.outsider, method, path, data).status_code == 404
    assert request_as(tenant, who.staff, method, path, data).status_code == staff
    if managers is not None:
        assert request_as(tenant, who.manager, method, path, data).status_code == managers
        assert request_as(tenant, who.owner, method, path, data).status_code == managers


def errors_of(response: Any) -> str:
    """The page's field errors, for readable assertion failures."""
    html = response.content.decode()
    return html[html.find('class="alert alert-error"') :][:3000]
