"""How long a new studio takes to provision (schema + every tenant migration + rows), against
baselines measured in the same run on the same machine.

Run: .venv/bin/python -m pytest tests/benchmarks/test_provisioning.py -s -q -o addopts=""
Not part of the normal suite. Asserts only that it completed; the figures are printed.
"""

from __future__ import annotations

import math
import secrets
import statistics
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction

from shared_apps.accounts.models import User
from tenants.models import Tenant
from tenants.provisioning import StudioDetails, tenant_hard_delete, tenant_provision

STUDIOS = 10
GOAL_P95_SECONDS = 2.0


def _p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile (with ten samples: the slowest one)."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _bare_schema_roundtrip(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
        cursor.execute(f'DROP SCHEMA "{name}" CASCADE')


def _migrate_one_schema(name: str) -> None:
    """The schema with every tenant migration, without any row: rolled back afterwards."""
    with transaction.atomic():
        Tenant(schema_name=name).create_schema(check_if_exists=False, verbosity=0)
        transaction.set_rollback(True)
    connection.set_schema_to_public()


@pytest.fixture
def bench_run(alpha_tx: Tenant) -> Iterator[str]:
    """Everything here commits (transactional test; `alpha_tx` puts the closing flush on
    alpha's schema, never on public). The studios and their owner are removed explicitly."""
    run = secrets.token_hex(3)
    connection.set_schema_to_public()
    yield run
    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(slug__startswith=f"bench-{run}-"):
        tenant_hard_delete(tenant=tenant)
    # Tenant tables may reference users: delete from a studio's schema so the collector sees them.
    connection.set_tenant(alpha_tx)
    User.objects.filter(email=f"bench-{run}@bench.test").delete()
    connection.set_schema_to_public()


def test_provisioning_benchmark(bench_run: str) -> None:
    run = bench_run
    owner = User.objects.create_user(f"bench-{run}@bench.test", None, full_name="Bench Owner")

    # Warm-up (imports, migration graph loading), not counted.
    _migrate_one_schema(f"bench_{run}_warm")
    bare = [_timed(lambda i=i: _bare_schema_roundtrip(f"bench_{run}_bare_{i}")) for i in range(20)]
    migrate = [_timed(lambda i=i: _migrate_one_schema(f"bench_{run}_mig_{i}")) for i in range(5)]
    provision = [
        _timed(
            lambda i=i: tenant_provision(
                details=StudioDetails(slug=f"bench-{run}-{i}", name=f"Bench Studio {i}"),
                owner=owner,
            )
        )
        for i in range(STUDIOS)
    ]

    median, p95 = statistics.median(provision), _p95(provision)
    bare_median, migrate_median = statistics.median(bare), statistics.median(migrate)
    print()
    print(
        f"provisioning: n={STUDIOS} median={median:.2f}s p95={p95:.2f}s "
        f"(goal p95 <= {GOAL_P95_SECONDS:.1f}s)"
    )
    print(
        f"baseline (same run): migrate one empty schema median={migrate_median:.2f}s "
        f"-> provisioning/migrate = {median / migrate_median:.2f}x; "
        f"bare CREATE+DROP SCHEMA median={bare_median * 1000:.1f}ms "
        f"-> provisioning/bare = {median / bare_median:.0f}x"
    )
    assert Tenant.objects.filter(slug__startswith=f"bench-{run}-").count() == STUDIOS
