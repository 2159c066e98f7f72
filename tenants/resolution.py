"""Host -> studio resolution, served from the cache.

A warm lookup costs one cache read and no database query. The cached value is the Tenant
instance itself (a small pickle). Any save or delete of a Tenant or Domain drops the keys of the
hosts involved, so a suspension or a new domain takes effect on the next request.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.models import Domain, Tenant

_MISSING = "__none__"
CACHE_TTL_SECONDS = 300


def _key(hostname: str) -> str:
    return f"platform:tenant-host:{hostname}"


def tenant_for_host(hostname: str) -> Tenant | None:
    hostname = hostname.lower().rstrip(".")
    key = _key(hostname)
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if isinstance(cached, Tenant):
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    tenant = domain.tenant if domain else None
    # Unknown hosts are cached too (briefly), so a scan of random subdomains stays cheap.
    cache.set(key, tenant if tenant else _MISSING, CACHE_TTL_SECONDS if tenant else 30)
    return tenant


def forget_hosts(hostnames: list[str]) -> None:
    keys = [_key(h.lower()) for h in hostnames]
    cache.delete_many(keys)
    # Again after commit: a request served between the change and the commit may have cached
    # the old row.
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_tenant(tenant: Tenant) -> None:
    forget_hosts(list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)))


@receiver(post_save, sender=Tenant, dispatch_uid="tenants.forget_on_tenant_save")
@receiver(post_delete, sender=Tenant, dispatch_uid="tenants.forget_on_tenant_delete")
def _tenant_changed(sender: type[Tenant], instance: Tenant, **kwargs: object) -> None:
    if kwargs.get("signal") is post_delete:
        return  # its domains are deleted first (cascade) and forgotten there
    forget_tenant(instance)


@receiver(post_save, sender=Domain, dispatch_uid="tenants.forget_on_domain_save")
@receiver(post_delete, sender=Domain, dispatch_uid="tenants.forget_on_domain_delete")
def _domain_changed(sender: type[Domain], instance: Domain, **kwargs: object) -> None:
    forget_hosts([instance.domain])
