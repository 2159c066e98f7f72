"""Live usage figures of studios, read from each studio's own schema.

Public-schema code (the console, the delete command) may not import tenant apps, so tenant apps
register named counters here from their AppConfig.ready():

    register_usage_counter(CUSTOMERS, "Customers", lambda scope: Customer.objects.count())

A counter is called with the studio's schema active and gets a `UsageScope` (the studio's time
zone and the bounds of its current calendar month, so "this month" means the studio's month).
A counter nobody registered is simply absent from the result: callers show a placeholder, never
a made-up number.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Tenant

# Well-known counter keys (the console shows these as columns).
CUSTOMERS = "customers"
APPOINTMENTS_THIS_MONTH = "appointments_this_month"


@dataclass(frozen=True)
class UsageScope:
    schema_name: str
    timezone: zoneinfo.ZoneInfo
    now: datetime
    month_start: datetime  # aware, the studio's local midnight on the 1st
    month_end: datetime  # exclusive


@dataclass(frozen=True)
class UsageCounter:
    key: str
    label: str
    count: Callable[[UsageScope], int]


@dataclass(frozen=True)
class StudioUsage:
    counts: dict[str, int] = field(default_factory=dict)

    def get(self, key: str) -> int | None:
        return self.counts.get(key)


_counters: dict[str, UsageCounter] = {}


def register_usage_counter(key: str, label: str, count: Callable[[UsageScope], int]) -> None:
    """Idempotent per key (a re-registration replaces the earlier counter)."""
    _counters[key] = UsageCounter(key=key, label=label, count=count)


def unregister_usage_counter(key: str) -> None:
    _counters.pop(key, None)


def usage_counters() -> list[UsageCounter]:
    return list(_counters.values())


def usage_counter_registered(key: str) -> bool:
    return key in _counters


def usage_scope_for(tenant: Tenant, *, now: datetime) -> UsageScope:
    try:
        zone = zoneinfo.ZoneInfo(tenant.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = now.astimezone(zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start.month == 12:
        end = start.replace(year=start.year + 1, month=1)
    else:
        end = start.replace(month=start.month + 1)
    return UsageScope(
        schema_name=tenant.schema_name, timezone=zone, now=now, month_start=start, month_end=end
    )


def studio_usage_for(
    tenants: Iterable[Tenant], *, now: datetime | None = None
) -> dict[int, StudioUsage]:
    """Usage of each studio given, keyed by tenant pk. Cost: one schema switch plus one query per
    registered counter for each studio, so callers pass one page of studios, never all of them."""
    moment = now or timezone.now()
    counters = usage_counters()
    result: dict[int, StudioUsage] = {}
    for tenant in tenants:
        scope = usage_scope_for(tenant, now=moment)
        with schema_context(tenant.schema_name):
            counts = {counter.key: counter.count(scope) for counter in counters}
        result[tenant.pk] = StudioUsage(counts=counts)
    return result
