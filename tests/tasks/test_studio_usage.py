"""studio_usage_snapshot, run eagerly (the real-worker proofs are in
tests/tenants/test_task_context.py)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.customers.models import Customer
from tenants.models import TenantStatus
from tenants.tasks import (
    NotInStudioSchemaError,
    studio_usage_snapshot,
    studio_usage_snapshot_all,
    usage_snapshot_cache_key,
    usage_snapshot_get,
)
from tenants.usage import UsageScope, register_usage_counter, unregister_usage_counter


def _add_customers(schema_name: str, count: int) -> None:
    with schema_context(schema_name):
        for n in range(count):
            Customer.objects.create(full_name=f"Customer {n}", email=f"c{n}@{schema_name}.test")


@pytest.fixture
def timezone_counter() -> Iterator[str]:
    """A counter that reports the studio's time zone offset in hours, to see the scope used."""
    key = "test_utc_offset_hours"

    def offset_hours(scope: UsageScope) -> int:
        offset = scope.month_start.utcoffset()
        return int(offset.total_seconds() // 3600) if offset is not None else -99

    register_usage_counter(key, "UTC offset", offset_hours)
    yield key
    unregister_usage_counter(key)


def test_snapshot_measures_the_schema_it_was_sent_from(alpha, beta):
    _add_customers("alpha", 3)

    with schema_context("alpha"):
        figures = studio_usage_snapshot.delay().get()

    assert figures["schema_name"] == "alpha"
    assert figures["counts"]["customers"] == 3
    assert connection.schema_name == "public"  # the sender's schema is restored
    stored = usage_snapshot_get(schema_name="alpha")
    assert stored is not None
    assert (stored.schema_name, stored.counts, stored.measured_at) == (
        "alpha",
        figures["counts"],
        figures["measured_at"],
    )
    assert usage_snapshot_get(schema_name="beta") is None


def test_snapshot_runs_every_registered_counter_in_the_studio_scope(alpha, beta, timezone_counter):
    with schema_context("beta"):  # America/New_York: UTC-5 or UTC-4 on the 1st of a month
        figures = studio_usage_snapshot.delay().get()

    assert figures["counts"][timezone_counter] in (-5, -4)
    assert figures["counts"]["customers"] == 0


def test_snapshot_figures_are_readable_from_public_and_from_other_studios(alpha, beta):
    _add_customers("alpha", 1)
    with schema_context("alpha"):
        studio_usage_snapshot.delay().get()

    with schema_context("beta"):
        seen_from_beta = usage_snapshot_get(schema_name="alpha")
    seen_from_public = usage_snapshot_get(schema_name="alpha")

    assert seen_from_beta == seen_from_public
    assert seen_from_public is not None and seen_from_public.counts["customers"] == 1


def test_snapshot_sent_from_public_fails_and_stores_nothing(alpha):
    with pytest.raises(NotInStudioSchemaError, match="not on public"):
        studio_usage_snapshot.delay().get()

    assert cache.get(usage_snapshot_cache_key("public")) is None


def test_snapshot_all_fans_out_to_studios_in_use(alpha, beta):
    _add_customers("alpha", 2)

    sent = studio_usage_snapshot_all.delay().get()

    assert sent == 2
    alpha_usage = usage_snapshot_get(schema_name="alpha")
    beta_usage = usage_snapshot_get(schema_name="beta")
    assert alpha_usage is not None and alpha_usage.counts["customers"] == 2
    assert beta_usage is not None and beta_usage.counts["customers"] == 0
    assert connection.schema_name == "public"


def test_snapshot_all_skips_suspended_studios(alpha, beta):
    beta.status = TenantStatus.SUSPENDED
    beta.save(update_fields=["status"])

    sent = studio_usage_snapshot_all.delay().get()

    assert sent == 1
    assert usage_snapshot_get(schema_name="alpha") is not None
    assert usage_snapshot_get(schema_name="beta") is None
