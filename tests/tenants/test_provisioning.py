"""tenant_provision: one transaction creates the Tenant row, its primary domain, the schema with
every tenant migration and the owner's membership; any failure leaves none of them behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from billing.models import Plan
from shared_apps.accounts.models import User
from shared_apps.core.errors import ValidationFailedError
from tenants import provisioning
from tenants.models import Domain, Membership, Role, Tenant, TenantStatus
from tenants.provisioning import (
    SlugTakenError,
    StudioDetails,
    studio_details_problems,
    tenant_hard_delete,
    tenant_provision,
)
from tenants.resolution import tenant_for_host


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def _footprint() -> dict[str, object]:
    """Everything provisioning writes, to prove a failed attempt wrote nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY nspname")
        schemas = [row[0] for row in cursor.fetchall()]
    return {
        "tenants": sorted(Tenant.objects.values_list("slug", flat=True)),
        "domains": sorted(Domain.objects.values_list("domain", flat=True)),
        "memberships": Membership.objects.count(),
        "users": User.objects.count(),
        "schemas": schemas,
    }


@pytest.fixture
def new_owner(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("gina@gamma.test", "a-long-password-1", full_name="Gina")


def test_provision_creates_tenant_domain_schema_tables_and_owner(new_owner):
    before = timezone.now()

    tenant = tenant_provision(
        details=StudioDetails(
            slug="gamma-studio", name="  Gamma Studio ", timezone="Europe/Paris", currency="EUR"
        ),
        owner=new_owner,
    )

    tenant.refresh_from_db()
    default_plan = Plan.objects.filter(is_public=True).order_by("sort_order").first()
    assert default_plan is not None
    assert (tenant.slug, tenant.schema_name, tenant.name) == (
        "gamma-studio",
        "gamma_studio",
        "Gamma Studio",
    )
    assert (tenant.timezone, tenant.currency, tenant.status) == (
        "Europe/Paris",
        "EUR",
        TenantStatus.TRIALING,
    )
    assert tenant.plan == default_plan
    assert tenant.contact_email == "gina@gamma.test"
    assert tenant.trial_ends_at is not None
    trial = timedelta(days=default_plan.trial_days)
    assert before + trial <= tenant.trial_ends_at <= timezone.now() + trial
    assert list(Domain.objects.filter(tenant=tenant).values_list("domain", "is_primary")) == [
        ("gamma-studio.localhost", True)
    ]
    assert _schema_exists("gamma_studio")
    tables = _tables_in("gamma_studio")
    assert {"customers_customer", "django_migrations"} <= tables
    # Shared apps keep their tables in public only.
    assert not tables & {"django_content_type", "auth_permission", "tenants_tenant"}
    assert list(Membership.objects.filter(tenant=tenant).values_list("user", "role")) == [
        (new_owner.pk, Role.OWNER)
    ]
    assert connection.schema_name == "public"
    resolved = tenant_for_host("gamma-studio.localhost")
    assert resolved is not None and resolved.pk == tenant.pk


def test_provision_uses_the_requested_plan(new_owner):
    tenant = tenant_provision(
        details=StudioDetails(slug="gamma", name="Gamma", plan_code="pro"), owner=new_owner
    )

    assert tenant.plan is not None and tenant.plan.code == "pro"


def test_taken_slug_raises_and_writes_nothing(alpha, new_owner):
    before = _footprint()

    with pytest.raises(SlugTakenError) as caught:
        tenant_provision(details=StudioDetails(slug="alpha", name="Alpha Two"), owner=new_owner)

    assert caught.value.code == "slug_taken"
    assert caught.value.status == 409
    assert caught.value.errors == {"slug": ["This subdomain is taken. Please choose another."]}
    assert _footprint() == before


def test_slug_held_by_another_studios_domain_is_taken(alpha, new_owner):
    Domain.objects.create(domain="delta.localhost", tenant=alpha, is_primary=False)
    before = _footprint()

    with pytest.raises(SlugTakenError):
        tenant_provision(details=StudioDetails(slug="delta", name="Delta"), owner=new_owner)

    assert _footprint() == before


@pytest.mark.parametrize(
    "slug",
    ["Bad_Slug", "www", "ab", "-gamma", "gamma-", "gam--ma", "pg-gamma", "public", "x" * 41],
)
def test_invalid_slug_raises_validation_error_and_writes_nothing(new_owner, slug):
    before = _footprint()

    with pytest.raises(ValidationFailedError) as caught:
        tenant_provision(details=StudioDetails(slug=slug, name="Gamma"), owner=new_owner)

    assert caught.value.code == "validation_error"
    assert list(caught.value.errors) == ["slug"]
    assert len(caught.value.errors["slug"]) == 1
    assert _footprint() == before


def test_every_invalid_field_is_reported_at_once(db):
    details = StudioDetails(
        slug="gamma", name="   ", timezone="Mars/Olympus_Mons", currency="XYZ", plan_code="gold"
    )

    problems = studio_details_problems(details)

    assert problems == {
        "name": ["Enter the studio's name."],
        "timezone": ["Choose a time zone from the list."],
        "currency": ["Choose a currency from the list."],
        "plan": ["Unknown plan."],
    }


def test_failure_after_the_schema_is_created_leaves_nothing_behind(alpha_tx, monkeypatch):
    """Committed for real (no test transaction around it): the rollback is PostgreSQL's."""
    connection.set_schema_to_public()
    owner = User.objects.get(email="owner@alpha.test")
    before = _footprint()
    seen_during_failure: dict[str, bool] = {}

    def fail_after_schema(tenant: Tenant, owner: User) -> None:
        seen_during_failure["schema"] = _schema_exists("epsilon")
        seen_during_failure["table"] = "customers_customer" in _tables_in("epsilon")
        raise RuntimeError("membership could not be written")

    monkeypatch.setattr(provisioning, "_add_owner", fail_after_schema)

    with pytest.raises(RuntimeError, match="membership could not be written"):
        tenant_provision(details=StudioDetails(slug="epsilon", name="Epsilon"), owner=owner)

    assert seen_during_failure == {"schema": True, "table": True}
    assert not _schema_exists("epsilon")
    assert _footprint() == before
    assert connection.schema_name == "public"
    assert tenant_for_host("epsilon.localhost") is None


def test_hard_delete_drops_the_schema_and_every_public_row(alpha_tx):
    connection.set_schema_to_public()
    owner = User.objects.get(email="owner@alpha.test")
    before = _footprint()
    tenant = tenant_provision(details=StudioDetails(slug="zeta", name="Zeta"), owner=owner)
    try:
        assert _schema_exists("zeta")
        assert tenant_for_host("zeta.localhost") is not None  # cached now

        tenant_hard_delete(tenant=tenant)

        assert not _schema_exists("zeta")
        assert _footprint() == before
        assert tenant_for_host("zeta.localhost") is None  # the cached lookup was dropped
        assert User.objects.filter(pk=owner.pk).exists()  # people outlive studios
    finally:
        leftover = Tenant.objects.filter(slug="zeta").first()
        if leftover is not None:
            tenant_hard_delete(tenant=leftover)
