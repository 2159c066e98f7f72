"""Rate limits of sign-in link requests: per email address and per client address.

Fixed windows counted in the cache (the house pattern of shared_apps.accounts.throttling).
Cache keys carry the active schema (shared_apps.core.cache_keys), so each studio counts its own
requests. Both counters count every request, whether the address belongs to a customer or not:
the limits must not tell known addresses from unknown ones either.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

from tenant_apps.portal.errors import SignInThrottledError

WINDOW_SECONDS = 15 * 60
# A person may ask again when a link got lost, but not flood an inbox.
PER_EMAIL = 5
# A household or a studio's front-desk wifi shares one address.
PER_ADDRESS = 20


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"portal-link:{kind}:{digest}"


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _count(key: str, now: float) -> tuple[int, float]:
    """Add one to the counter at `key`; returns the new count and when its window began."""
    since_key = f"{key}:since"
    cache.add(since_key, now, timeout=WINDOW_SECONDS)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add() and incr(): a new window starts now
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        cache.set(since_key, now, timeout=WINDOW_SECONDS)
        count = 1
    since = cache.get(since_key)
    return count, float(since if since is not None else now)


def sign_in_request_count(*, email: str, address: str, now: float | None = None) -> None:
    """Count one link request; raise SignInThrottledError when the email address or the
    client address is over its limit for the current window."""
    moment = time.time() if now is None else now
    retry_after = 0
    for key, limit in (
        (_key("email", email.strip().lower()), PER_EMAIL),
        (_key("address", address), PER_ADDRESS),
    ):
        count, since = _count(key, moment)
        if count > limit:
            retry_after = max(retry_after, math.ceil(since + WINDOW_SECONDS - moment), 1)
    if retry_after:
        raise SignInThrottledError(
            "You have asked for several sign-in links in a short time. Please check your "
            f"inbox (and spam folder) for the ones already sent, or try again in "
            f"{_minutes(retry_after)}.",
            retry_after=retry_after,
        )
