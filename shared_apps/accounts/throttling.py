"""Login throttling: counters in the cache, checked before any password hash is computed.

Two counters of failed logins, each in a window that starts with its first failure:

* per account (the normalised email), so one person's password cannot be guessed slowly from
  many addresses;
* per client IP, so one address cannot spray passwords over many accounts.

Keys start with ``platform:`` (see shared_apps.core.cache_keys), so a failure counted on a studio
host also counts on the platform host and on every other studio: there is one login, so there is
one throttle.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from shared_apps.core.errors import ThrottledError


class LoginThrottledError(ThrottledError):
    code = "login_throttled"
    title = "Too many attempts"


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int

    @property
    def since_key(self) -> str:
        return f"{self.key}:since"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The peer address. Behind a reverse proxy, the proxy must set REMOTE_ADDR from the real
    client (e.g. uvicorn/gunicorn --forwarded-allow-ips); X-Forwarded-For is never trusted here
    because anyone can send it."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _account_counter(email: str) -> _Counter:
    digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]
    return _Counter(f"platform:login-fail:account:{digest}", settings.LOGIN_THROTTLE_PER_ACCOUNT)


def _ip_counter(ip: str) -> _Counter:
    digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    return _Counter(f"platform:login-fail:ip:{digest}", settings.LOGIN_THROTTLE_PER_IP)


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def login_throttle_check(*, email: str, ip: str) -> None:
    """Raise LoginThrottledError when the account or the IP has used up its failures."""
    counters = [_account_counter(email), _ip_counter(ip)]
    keys = [k for c in counters for k in (c.key, c.since_key)]
    values = cache.get_many(keys)
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    now = time.time()
    retry_after = 0
    for counter in counters:
        failures = int(values.get(counter.key) or 0)
        if failures >= counter.limit:
            since = float(values.get(counter.since_key) or now)
            retry_after = max(retry_after, math.ceil(since + window - now), 1)
    if retry_after:
        raise LoginThrottledError(
            f"Too many attempts, try again in {_minutes(retry_after)}.", retry_after=retry_after
        )


def login_failure_record(*, email: str, ip: str) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    now = time.time()
    for counter in (_account_counter(email), _ip_counter(ip)):
        cache.add(counter.since_key, now, timeout=window)
        cache.add(counter.key, 0, timeout=window)
        try:
            cache.incr(counter.key)
        except ValueError:  # expired between add() and incr(): a new window starts now
            cache.set(counter.key, 1, timeout=window)


def login_failures_clear(*, email: str) -> None:
    """A successful login (or a password reset) wipes the account's failures. The IP counter
    stays: one good password must not unlock spraying from that address."""
    counter = _account_counter(email)
    cache.delete_many([counter.key, counter.since_key])
