"""Test fixtures.

Studios "alpha" and "beta" are provisioned once per test session (schema + migrations) and
reused; each test runs in a transaction that is rolled back. Read ../shared/research/
stack_feasibility.md section 5 before adding transactional fixtures: a transactional test's flush
truncates every table visible in the schema active at teardown, so a flush on public would wipe
the tenant rows. Use `alpha_tx` (flush runs on alpha's schema) or, for tests that must commit on
public, `transaction=True` with `available_apps` and explicit clean-up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenants.models import Tenant
from tenants.platform import platform_tenant_ensure
from tenants.provisioning import StudioDetails, tenant_provision
from tenants.resolution import local_memo_reset

TEST_PASSWORD = "correct-horse-battery-staple"
STUDIOS = {
    "alpha": {"name": "Alpha Pilates", "timezone": "Europe/London", "currency": "GBP"},
    "beta": {"name": "Beta Yoga", "timezone": "America/New_York", "currency": "USD"},
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        platform_tenant_ensure()
        for slug, spec in STUDIOS.items():
            if Tenant.objects.filter(slug=slug).exists():
                continue
            owner = User.objects.create_user(
                f"owner@{slug}.test", TEST_PASSWORD, full_name=f"{slug.title()} Owner"
            )
            tenant_provision(details=StudioDetails(slug=slug, **spec), owner=owner)
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _clean_cache_and_schema() -> Iterator[None]:
    """Every test starts on public with an empty cache (throttles, host lookups)."""
    cache.clear()
    local_memo_reset()
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


def _studio(slug: str) -> Tenant:
    return Tenant.objects.get(slug=slug)


@pytest.fixture
def alpha(db) -> Tenant:  # type: ignore[no-untyped-def]
    return _studio("alpha")


@pytest.fixture
def beta(db) -> Tenant:  # type: ignore[no-untyped-def]
    return _studio("beta")


@pytest.fixture
def in_alpha(alpha: Tenant) -> Iterator[Tenant]:
    """Run the test body with alpha's schema active (ORM calls hit alpha's tables)."""
    connection.set_tenant(alpha)
    yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def alpha_tx(transactional_db) -> Iterator[Tenant]:  # type: ignore[no-untyped-def]
    """For tests whose work must commit (threads, workers, websockets): runs in alpha and makes
    the post-test flush happen on alpha's schema, never on public."""
    tenant = _studio("alpha")
    connection.set_tenant(tenant)
    yield tenant
    connection.set_tenant(tenant)


@pytest.fixture
def alpha_owner(alpha: Tenant) -> User:
    return User.objects.get(email="owner@alpha.test")


@pytest.fixture
def beta_owner(beta: Tenant) -> User:
    return User.objects.get(email="owner@beta.test")


@pytest.fixture
def alpha_client(alpha: Tenant) -> TenantClient:
    return TenantClient(alpha)


@pytest.fixture
def beta_client(beta: Tenant) -> TenantClient:
    return TenantClient(beta)


@pytest.fixture
def platform_client(db, client):  # type: ignore[no-untyped-def]
    """A client on the platform's own host (marketing, sign-up, console)."""
    client.defaults["HTTP_HOST"] = "localhost"
    return client
