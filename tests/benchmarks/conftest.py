"""Helpers for the measured budgets (not part of the default run; `make bench`).

Benchmarks print one clear line per figure and compare against a baseline measured in the same
run (ratios, not absolute times); they assert only that the work completed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from shared_apps.accounts.models import User
from tenants.models import Tenant
from tenants.provisioning import StudioDetails, tenant_hard_delete, tenant_provision

BENCH_OWNER_EMAIL = "bench-owner@bench.test"


def report(line: str) -> None:
    """One figure per line, easy to grep out of the pytest output (run with -s)."""
    print(f"\n[bench] {line}", flush=True)


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    """`with timed() as elapsed: ...` then `elapsed()` is the block's duration in seconds."""
    started = time.perf_counter()
    finished: list[float] = []
    try:
        yield lambda: (finished[0] if finished else time.perf_counter()) - started
    finally:
        finished.append(time.perf_counter())


def median(values: list[float]) -> float:
    return statistics.median(values)


@pytest.fixture
def committed_db(transactional_db) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Database access without a test transaction: work commits for real, so other processes
    (a server under test, a worker) see it and timings include real commits. Whatever a
    benchmark creates it removes itself (see `bench_studios`). As with tests/conftest.py's
    `alpha_tx`, the post-test flush is made to run on alpha's schema, never on public (where it
    would empty the tenants table)."""
    connection.set_schema_to_public()
    yield
    connection.set_tenant(Tenant.objects.get(slug="alpha"))


@pytest.fixture
def bench_studios(committed_db) -> Iterator[Callable[[str, int], list[Tenant]]]:  # type: ignore[no-untyped-def]
    """`bench_studios(prefix, n)` provisions n committed studios "<prefix>-<i>" (owner: one
    bench user). All of them, and leftovers of an interrupted run with the same prefix, are
    hard-deleted afterwards, and so is the bench user."""
    prefixes: list[str] = []

    def remove(prefix: str) -> None:
        for tenant in Tenant.objects.filter(slug__startswith=f"{prefix}-"):
            tenant_hard_delete(tenant=tenant)

    def create(prefix: str, count: int) -> list[Tenant]:
        prefixes.append(prefix)
        remove(prefix)
        owner = User.objects.filter(email=BENCH_OWNER_EMAIL).first() or (
            User.objects.create_user(BENCH_OWNER_EMAIL, None, full_name="Bench Owner")
        )
        return [
            tenant_provision(
                details=StudioDetails(slug=f"{prefix}-{n}", name=f"Bench {n}"), owner=owner
            )
            for n in range(count)
        ]

    yield create
    connection.set_schema_to_public()
    for prefix in prefixes:
        remove(prefix)
    User.objects.filter(email=BENCH_OWNER_EMAIL).delete()
