"""Database-level tenancy invariants: btree_gist lives once, in public; content types and
permissions of studio models live in public only and survive check-then-migrate runs."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from tenant_apps.customers.models import Customer
from tenants.provisioning import StudioDetails, tenant_provision

CUSTOMER_PERMISSIONS = ["add_customer", "change_customer", "delete_customer", "view_customer"]


def _rows(sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _btree_gist_schemas() -> list[tuple[object, ...]]:
    return _rows(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'btree_gist'"
    )


def _btree_gist_functions_outside_public() -> list[tuple[object, ...]]:
    return _rows(
        "SELECT n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname LIKE 'gbt\\_%%' AND n.nspname <> 'public'"
    )


def _customer_type_rows() -> list[tuple[object, ...]]:
    """Rows in public's own tables, whatever the search_path."""
    return _rows(
        "SELECT ct.id, p.codename FROM public.django_content_type ct "
        "JOIN public.auth_permission p ON p.content_type_id = ct.id "
        "WHERE ct.app_label = 'customers' AND ct.model = 'customer' ORDER BY p.codename"
    )


def _tables_named(name: str) -> list[tuple[object, ...]]:
    return _rows(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = %s "
        "ORDER BY table_schema",
        [name],
    )


@pytest.fixture
def gamma(db):  # type: ignore[no-untyped-def]
    owner = User.objects.create_user("owner@gamma.test", "a-long-password-1", full_name="G")
    return tenant_provision(details=StudioDetails(slug="gamma", name="Gamma"), owner=owner)


def test_btree_gist_exists_once_in_public(alpha, beta):
    assert _btree_gist_schemas() == [("public",)]
    assert _btree_gist_functions_outside_public() == []


def test_btree_gist_stays_in_public_after_provisioning(gamma):
    assert _btree_gist_schemas() == [("public",)]
    assert _btree_gist_functions_outside_public() == []


def test_customer_content_type_and_permissions_live_in_public_only(alpha, beta):
    rows = _customer_type_rows()

    assert [codename for _, codename in rows] == CUSTOMER_PERMISSIONS
    assert len({content_type_id for content_type_id, _ in rows}) == 1
    assert _tables_named("django_content_type") == [("public",)]
    assert _tables_named("auth_permission") == [("public",)]
    assert _tables_named("customers_customer") == [("alpha",), ("beta",)]


def test_studio_code_sees_the_public_content_type(alpha):
    public_type = ContentType.objects.get_for_model(Customer)
    ContentType.objects.clear_cache()

    with schema_context("alpha"):
        studio_type = ContentType.objects.get_for_model(Customer)
        codenames = sorted(
            Permission.objects.filter(content_type=studio_type).values_list("codename", flat=True)
        )

    assert studio_type.pk == public_type.pk
    assert codenames == CUSTOMER_PERMISSIONS


def test_smart_migrate_after_a_new_studio_keeps_content_types_exact(gamma):
    before = _customer_type_rows()

    call_command("migrate_schemas", verbosity=0)

    assert settings.GET_EXECUTOR_FUNCTION == "django_tenants_smart_executor.load_executor"
    assert _customer_type_rows() == before
    assert _tables_named("django_content_type") == [("public",)]
    assert _tables_named("customers_customer") == [("alpha",), ("beta",), ("gamma",)]
    assert connection.schema_name == "public"


def _tenant_app_leaf_migration() -> tuple[str, str]:
    """A migration of a studio app that no other migration depends on."""
    tenant_labels = {
        apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.TENANT_APPS
    }
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    leaves = [key for key, node in graph.node_map.items() if not node.children]
    return sorted(key for key in leaves if key[0] in tenant_labels)[0]


def forget_customer_content_type() -> None:
    """Raw SQL: the ORM's delete cascade would look for studio tables on public."""
    _rows(
        "DELETE FROM public.auth_permission WHERE content_type_id IN (SELECT id FROM "
        "public.django_content_type WHERE app_label = 'customers' AND model = 'customer') "
        "RETURNING id"
    )
    _rows(
        "DELETE FROM public.django_content_type WHERE app_label = 'customers' "
        "AND model = 'customer' RETURNING id"
    )
    ContentType.objects.clear_cache()


def test_smart_migrate_creates_content_types_of_a_newly_released_studio_model(alpha, beta):
    """A release that adds a studio model ships a migration; public records every app's
    migrations, so public has one to apply, and its post_migrate creates the new content type
    and permissions even though every studio schema is skipped. Simulated: a studio app's leaf
    migration is unrecorded on public and the Customer content type is gone."""
    app_label, migration = _tenant_app_leaf_migration()
    _rows(
        "DELETE FROM public.django_migrations WHERE app = %s AND name = %s RETURNING id",
        [app_label, migration],
    )
    forget_customer_content_type()
    alpha_migrations = _rows("SELECT app, name FROM alpha.django_migrations ORDER BY id")

    call_command("migrate_schemas", verbosity=0)

    assert [codename for _, codename in _customer_type_rows()] == CUSTOMER_PERMISSIONS
    assert _rows(
        "SELECT 1 FROM public.django_migrations WHERE app = %s AND name = %s",
        [app_label, migration],
    ) == [(1,)]
    assert _rows("SELECT app, name FROM alpha.django_migrations ORDER BY id") == alpha_migrations
    assert _tables_named("customers_customer") == [("alpha",), ("beta",)]  # none in public


def test_smart_no_op_does_not_recreate_a_content_type_deleted_by_hand(alpha, beta):
    """The executor's caveat, pinned: with nothing to apply anywhere, no post_migrate runs, so
    a content type removed outside migrations stays missing until public migrates again;
    naming an app forces that (the repair documented in deploy/README.md)."""
    forget_customer_content_type()

    call_command("migrate_schemas", verbosity=0)
    after_no_op = _customer_type_rows()
    call_command("migrate_schemas", "contenttypes", shared=True, verbosity=0)

    assert after_no_op == []
    assert [codename for _, codename in _customer_type_rows()] == CUSTOMER_PERMISSIONS
