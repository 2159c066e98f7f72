"""`migrate_schemas` with nothing to apply over 50 studios: the check-then-migrate executor of
the settings (django-tenants-smart-executor) against django-tenants' stock standard executor,
in the same run. Then: a model added by a release still gets its content type and permissions
from a smart run. The 50 studios are committed for real and hard-deleted afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.management.commands import migrate_schemas as migrate_schemas_command
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from tenants.models import Tenant
from tests.benchmarks.conftest import median, report, timed

STUDIOS = 50
PREFIX = "bench-mig"
GOAL_SECONDS_PER_STUDIO = 0.050
SMART_RUNS = 3
STOCK_RUNS = 2
CUSTOMER_PERMISSIONS = ["add_customer", "change_customer", "delete_customer", "view_customer"]


@contextmanager
def stock_executor() -> Iterator[None]:
    """migrate_schemas reads GET_EXECUTOR_FUNCTION once, when it is imported: swap in
    django-tenants' own executor lookup ("standard") for the duration."""
    smart = migrate_schemas_command.GET_EXECUTOR_FUNCTION
    migrate_schemas_command.GET_EXECUTOR_FUNCTION = get_executor
    try:
        yield
    finally:
        migrate_schemas_command.GET_EXECUTOR_FUNCTION = smart


def _migrate_all() -> float:
    with timed() as elapsed:
        call_command("migrate_schemas", verbosity=0, interactive=False)
    connection.set_schema_to_public()
    return elapsed()


def _customer_permissions() -> list[str]:
    ContentType.objects.clear_cache()
    return sorted(
        Permission.objects.filter(
            content_type__app_label="customers", content_type__model="customer"
        ).values_list("codename", flat=True)
    )


def _execute(sql: str, params: list[str] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _forget_customer_content_type() -> None:
    """Raw SQL: the ORM's delete cascade would look for studio tables on public."""
    _execute(
        "DELETE FROM public.auth_permission WHERE content_type_id IN (SELECT id FROM "
        "public.django_content_type WHERE app_label = 'customers' AND model = 'customer')"
    )
    _execute(
        "DELETE FROM public.django_content_type "
        "WHERE app_label = 'customers' AND model = 'customer'"
    )
    ContentType.objects.clear_cache()


def _unrecord_a_studio_migration_on_public() -> tuple[str, str]:
    """Make public look as if a release brought a new studio migration: unrecord a studio
    app's migration that nothing depends on (on public it creates nothing: tenant app)."""
    tenant_labels = {name.rsplit(".", 1)[-1] for name in settings.TENANT_APPS}
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    app_label, name = sorted(
        key for key, node in graph.node_map.items() if key[0] in tenant_labels and not node.children
    )[0]
    _execute("DELETE FROM public.django_migrations WHERE app = %s AND name = %s", [app_label, name])
    return app_label, name


def test_migrate_noop_smart_against_stock(bench_studios):
    assert settings.GET_EXECUTOR_FUNCTION == "django_tenants_smart_executor.load_executor"
    with timed() as provisioning:
        bench_studios(PREFIX, STUDIOS)
    schemas = Tenant.objects.exclude(schema_name=get_public_schema_name()).count()
    report(
        f"provisioned {STUDIOS} studios in {provisioning():.1f} s "
        f"({provisioning() / STUDIOS:.2f} s each, schema + migrations + rows, committed)"
    )

    _migrate_all()  # warm-up: imports, migration graph
    smart: list[float] = []
    stock: list[float] = []
    for run in range(max(SMART_RUNS, STOCK_RUNS)):  # interleaved against drift
        if run < SMART_RUNS:
            smart.append(_migrate_all())
        if run < STOCK_RUNS:
            with stock_executor():
                stock.append(_migrate_all())
    smart_per_studio = median(smart) / schemas
    stock_per_studio = median(stock) / schemas
    report(
        f"migrate no-op: smart={smart_per_studio:.3f} s/studio stock={stock_per_studio:.3f} "
        f"s/studio ratio={smart_per_studio / stock_per_studio:.1%} "
        f"(goal <= {GOAL_SECONDS_PER_STUDIO:.3f}; {schemas} studio schemas + public; "
        f"median of {SMART_RUNS} / {STOCK_RUNS} runs: smart {median(smart):.2f} s, "
        f"stock {median(stock):.2f} s)"
    )

    # A release adding a studio model ships its migration; every app's migrations are recorded
    # on public, so public has one to apply and its post_migrate creates the content type and
    # permissions while every studio schema is skipped. Rolled back afterwards.
    with transaction.atomic():
        migration = _unrecord_a_studio_migration_on_public()
        _forget_customer_content_type()
        assert _customer_permissions() == []
        with timed() as release:
            _migrate_all()
        after_release = _customer_permissions()
        transaction.set_rollback(True)
    report(
        f"new studio model after a smart run: permissions {','.join(after_release) or 'MISSING'} "
        f"({release():.2f} s: public migrated ({'.'.join(migration)} pending), "
        f"{schemas} studios skipped)"
    )
    assert after_release == CUSTOMER_PERMISSIONS

    # The caveat: a content type removed WITHOUT a pending migration is not recreated by a
    # smart no-op run (no post_migrate runs); the stock executor recreates it on every run.
    recreated: dict[str, bool] = {}
    for name in ("smart", "stock"):
        with transaction.atomic():
            _forget_customer_content_type()
            with stock_executor() if name == "stock" else nullcontext():
                _migrate_all()
            recreated[name] = _customer_permissions() == CUSTOMER_PERMISSIONS
            transaction.set_rollback(True)
    report(
        "content type deleted by hand, nothing pending: recreated by a smart no-op="
        f"{'yes' if recreated['smart'] else 'no'}, by a stock run="
        f"{'yes' if recreated['stock'] else 'no'}"
    )
    assert _customer_permissions() == CUSTOMER_PERMISSIONS
