"""Host -> studio resolution: a process-local memo in front of Redis in front of PostgreSQL.

Every request needs its studio, so the lookup must cost next to nothing:
1. A per-process memo answers warm lookups with a dict read (no query, no network).
2. Behind it, the shared cache (Redis) holds the Tenant for each host, so a new process or a
   cold host costs one Redis read, and PostgreSQL is only asked on a miss.
3. Any save or delete of a Tenant or Domain drops the hosts involved from Redis and announces
   them on a Redis pub/sub channel; every process listens and drops them from its memo at once.
   The memo is only trusted while this process's listener is connected (a dropped connection
   empties the memo and sends lookups to Redis until it is back), and entries expire after
   LOCAL_TTL_SECONDS as a last safety net.

Callers get their own copy of the Tenant, so a view that changes fields on request.tenant
without saving never alters what other requests see.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import time
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)

_MISSING = "__none__"
CACHE_TTL_SECONDS = 300
UNKNOWN_HOST_TTL_SECONDS = 30
LOCAL_TTL_SECONDS = 60
INVALIDATION_CHANNEL = "platform:tenant-hosts:invalidate"


def _key(hostname: str) -> str:
    return f"platform:tenant-host:{hostname}"


class _LocalMemo:
    """Per-process memo, kept fresh by a pub/sub listener thread (started on first use, and
    again in a forked child: each process needs its own)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Tenant | None]] = {}
        self._lock = threading.Lock()
        self._pid = 0
        self._connected = threading.Event()

    def get(self, hostname: str) -> tuple[bool, Tenant | None]:
        self._ensure_listener()
        if not self._connected.is_set():
            return False, None
        entry = self._entries.get(hostname)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, hostname: str, tenant: Tenant | None) -> None:
        if self._connected.is_set():
            ttl = LOCAL_TTL_SECONDS if tenant is not None else UNKNOWN_HOST_TTL_SECONDS
            self._entries[hostname] = (time.monotonic() + ttl, tenant)

    def drop(self, hostnames: list[str]) -> None:
        for hostname in hostnames:
            self._entries.pop(hostname, None)

    def clear(self) -> None:
        self._entries.clear()

    def _ensure_listener(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._connected.clear()
            self._entries.clear()
            threading.Thread(
                target=self._listen, name="tenant-host-invalidation", daemon=True
            ).start()

    def _listen(self) -> None:
        backoff = 0.5
        while True:
            try:
                client = redis.Redis.from_url(settings.REDIS_URL, health_check_interval=30)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(INVALIDATION_CHANNEL)
                # Anything memoised before the subscription could have missed a message.
                self.clear()
                self._connected.set()
                backoff = 0.5
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        data = (
                            message["data"].decode() if isinstance(message["data"], bytes) else ""
                        )
                        if data:
                            self.drop(data.split("\n"))
                        else:
                            self.clear()
            except Exception:  # a listener thread must never die: it reconnects
                logger.warning("tenant host invalidation listener disconnected", exc_info=True)
            self._connected.clear()
            self.clear()
            time.sleep(backoff)
            backoff = min(backoff * 2, 10)

    def wait_until_listening(self, timeout: float = 2.0) -> bool:
        self._ensure_listener()
        return self._connected.wait(timeout)


_memo = _LocalMemo()


def tenant_for_host(hostname: str) -> Tenant | None:
    hostname = hostname.lower().rstrip(".")
    hit, tenant = _memo.get(hostname)
    if not hit:
        tenant = _shared_lookup(hostname)
        _memo.put(hostname, tenant)
    return copy.copy(tenant) if tenant is not None else None


def _shared_lookup(hostname: str) -> Tenant | None:
    key = _key(hostname)
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if isinstance(cached, Tenant):
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    tenant = domain.tenant if domain else None
    # Unknown hosts are cached too (briefly), so a scan of random subdomains stays cheap.
    cache.set(
        key,
        tenant if tenant else _MISSING,
        CACHE_TTL_SECONDS if tenant else UNKNOWN_HOST_TTL_SECONDS,
    )
    return tenant


def _announce(hostnames: list[str]) -> None:
    keys = [_key(h) for h in hostnames]
    cache.delete_many(keys)
    _memo.drop(hostnames)
    try:
        redis.Redis.from_url(settings.REDIS_URL).publish(INVALIDATION_CHANNEL, "\n".join(hostnames))
    except redis.RedisError:
        logger.warning("could not announce tenant host invalidation", exc_info=True)


def forget_hosts(hostnames: list[str]) -> None:
    hostnames = [h.lower() for h in hostnames]
    if not hostnames:
        return
    _announce(hostnames)
    # Again after commit: a request served between the change and the commit may have cached
    # the old row.
    transaction.on_commit(lambda: _announce(hostnames))


def forget_tenant(tenant: Tenant) -> None:
    forget_hosts(list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)))


def local_memo_reset() -> None:
    """Tests: start from an empty memo (the shared cache is cleared separately)."""
    _memo.clear()


def local_memo_wait_until_listening(timeout: float = 2.0) -> bool:
    return _memo.wait_until_listening(timeout)


@receiver(post_save, sender=Tenant, dispatch_uid="tenants.forget_on_tenant_save")
@receiver(post_delete, sender=Tenant, dispatch_uid="tenants.forget_on_tenant_delete")
def _tenant_changed(sender: type[Tenant], instance: Tenant, **kwargs: Any) -> None:
    if kwargs.get("signal") is post_delete:
        return  # its domains are deleted first (cascade) and forgotten there
    forget_tenant(instance)


@receiver(post_save, sender=Domain, dispatch_uid="tenants.forget_on_domain_save")
@receiver(post_delete, sender=Domain, dispatch_uid="tenants.forget_on_domain_delete")
def _domain_changed(sender: type[Domain], instance: Domain, **kwargs: Any) -> None:
    forget_hosts([instance.domain])
