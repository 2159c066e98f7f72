"""The per-studio event counter in Redis.

INCR is atomic across every process that publishes (web workers, Celery workers), so a studio's
events are numbered 1, 2, 3, ... whoever commits them. The counter is a hint for clients, not a
ledger: if Redis loses it, numbering restarts and clients see a number other than the one they
expect, which makes them refetch (the contract in realtime/README.md).

Numbers are taken by the publisher's thread (realtime/delivery.py, asyncio client, its own
connection); the current value is read by the sockets (sync client below).
"""

from __future__ import annotations

import threading

import redis
import redis.asyncio as aioredis
from django.conf import settings

from realtime.protocol import calendar_seq_key

_lock = threading.Lock()
_client: redis.Redis | None = None


def _redis() -> redis.Redis:
    # One connection pool per process (redis-py re-creates it after a fork).
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = redis.Redis.from_url(
                    settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
                )
    return _client


async def calendar_seq_take(client: aioredis.Redis, schema_name: str) -> int:
    """The studio's next number (the first is 1)."""
    return int(await client.incr(calendar_seq_key(schema_name)))


def calendar_seq_current(schema_name: str) -> int:
    """The number of the last event published for the studio (0 before the first)."""
    value = _redis().get(calendar_seq_key(schema_name))
    return int(value) if value is not None else 0
