"""Cache key functions: every key carries the active schema, except platform-wide keys.

Keys starting with ``platform:`` (host -> studio lookups, login throttles) mean the same thing on
every host, so they always live under the public prefix, whichever schema is active when they are
read or invalidated.
"""

from __future__ import annotations

from tenants.db import current_schema

PLATFORM_PREFIX = "platform:"


def make_key(key: str, key_prefix: str, version: int | str) -> str:
    schema = "public" if key.startswith(PLATFORM_PREFIX) else current_schema()
    return f"{schema}:{key_prefix}:{version}:{key}"


def reverse_key(key: str) -> str:
    return key.split(":", 3)[3]
