"""The usage registry in tenants.usage: counters run inside each studio's schema."""

from datetime import UTC, datetime

from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.customers.models import Customer
from tenants.usage import (
    APPOINTMENTS_THIS_MONTH,
    CUSTOMERS,
    register_usage_counter,
    studio_usage_for,
    unregister_usage_counter,
    usage_counter_registered,
    usage_scope_for,
)


def test_tenant_apps_register_their_counters():
    assert usage_counter_registered(CUSTOMERS)
    assert usage_counter_registered(APPOINTMENTS_THIS_MONTH)


def test_counts_are_read_from_each_studio_schema(alpha, beta):
    with schema_context("alpha"):
        Customer.objects.create(full_name="A", email="a@x.test")
        Customer.objects.create(full_name="B", email="b@x.test")

    usage = studio_usage_for([alpha, beta])

    assert usage[alpha.pk].get(CUSTOMERS) == 2
    assert usage[beta.pk].get(CUSTOMERS) == 0
    assert usage[alpha.pk].get(APPOINTMENTS_THIS_MONTH) == 0
    assert connection.schema_name == "public"


def test_counter_sees_the_studio_month_in_its_time_zone(alpha):
    seen = []
    register_usage_counter("probe", "Probe", lambda scope: seen.append(scope) or 0)
    try:
        # 23:30 UTC on 31 March is already 1 April in London (BST).
        studio_usage_for([alpha], now=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    finally:
        unregister_usage_counter("probe")

    (scope,) = seen
    assert scope.schema_name == "alpha"
    assert scope.month_start.isoformat() == "2026-04-01T00:00:00+01:00"
    assert scope.month_end.isoformat() == "2026-05-01T00:00:00+01:00"


def test_december_rolls_over_to_january(beta):
    scope = usage_scope_for(beta, now=datetime(2026, 12, 15, 12, 0, tzinfo=UTC))

    assert scope.month_start.isoformat() == "2026-12-01T00:00:00-05:00"
    assert scope.month_end.isoformat() == "2027-01-01T00:00:00-05:00"
