"""Rate limits of the public booking API, per client address and per studio.

A fixed one-minute window per (kind, address) counted in the cache. Cache keys carry the active
schema (shared_apps.core.cache_keys), so each studio has its own budget: one busy studio cannot
exhaust another's. Limits come from settings (PUBLIC_BOOKING_RATE_PER_MINUTE,
PUBLIC_SLOTS_RATE_PER_MINUTE) and are generous on purpose: a front desk or a gym's wifi puts many
real customers behind one address.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from shared_apps.core.errors import ThrottledError

WINDOW_SECONDS = 60


class PublicRateLimitedError(ThrottledError):
    code = "rate_limited"
    title = "Too many requests"


def client_address(request: Request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be; the
    # reverse proxy must set REMOTE_ADDR from the real peer (see deploy/).
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_limit_hit(*, kind: str, address: str, limit: int, now: float | None = None) -> None:
    """Count one request of `kind` from `address`; raise PublicRateLimitedError (with the
    seconds until the window ends) when it goes over `limit` a minute."""
    moment = time.time() if now is None else now
    window = int(moment // WINDOW_SECONDS)
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    count = _window_count(f"public-rate:{kind}:{digest}:{window}")
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - moment))
        raise PublicRateLimitedError(
            f"Too many requests from your address; try again in {retry_after} seconds.",
            retry_after=retry_after,
        )


def _window_count(key: str) -> int:
    """Add one to the window's counter and return it. On Redis that is one round trip (INCR
    and EXPIRE NX pipelined): every public request pays for it."""
    timeout = WINDOW_SECONDS * 2
    # The backend itself: `django.core.cache.cache` is a proxy, never an instance of RedisCache.
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        redis_key = cache.make_and_validate_key(key)
        with _redis_client(cache._cache).pipeline(transaction=False) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, timeout, nx=True)
            count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1


def _redis_client(backend: Any) -> Any:
    """The cache's writing Redis client, made once per cache backend: Django builds a new
    client (with its table of some 170 response callbacks) on every get_client() call. The
    backend is per thread and its pool fixed, and a client only borrows pool connections."""
    client = getattr(backend, "_rate_limit_client", None)
    if client is None:
        client = backend.get_client(write=True)
        backend._rate_limit_client = client
    return client


class _PublicRateThrottle(BaseThrottle):
    kind = ""
    setting = ""

    def allow_request(self, request: Request, view: Any) -> bool:
        rate_limit_hit(
            kind=self.kind,
            address=client_address(request),
            limit=int(getattr(settings, self.setting)),
        )
        return True


class PublicBookingThrottle(_PublicRateThrottle):
    """Booking attempts and booking look-ups."""

    kind = "booking"
    setting = "PUBLIC_BOOKING_RATE_PER_MINUTE"


class PublicReadThrottle(_PublicRateThrottle):
    """Services, staff and free times."""

    kind = "slots"
    setting = "PUBLIC_SLOTS_RATE_PER_MINUTE"
