"""Signing a person in on another host of the platform.

Session cookies are per host, so moving from the platform (sign-up, console) or from one studio to
another needs a hand-off: a signed token, valid for a minute and usable once, that the target
host exchanges for a session. The token names the target studio, so it cannot be replayed on
another one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.cache import cache

from tenants.urls import studio_url

_SALT = "tenants.handoff"
MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class Handoff:
    user_id: int
    schema_name: str
    next_path: str
    impersonation_id: int | None = None


class InvalidHandoffError(Exception):
    pass


def handoff_url(
    *,
    user_id: int,
    slug: str,
    schema_name: str,
    next_path: str = "/app/",
    impersonation_id: int | None = None,
) -> str:
    payload: dict[str, Any] = {
        "u": user_id,
        "s": schema_name,
        "n": next_path,
        "j": secrets.token_urlsafe(12),
    }
    if impersonation_id is not None:
        payload["i"] = impersonation_id
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return studio_url(slug, f"/accounts/handoff/?token={token}")


def handoff_redeem(*, token: str, schema_name: str) -> Handoff:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvalidHandoffError("This sign-in link is invalid or has expired.") from exc
    if payload.get("s") != schema_name:
        raise InvalidHandoffError("This sign-in link is for another studio.")
    # Single use: the nonce is claimed atomically; a second redemption finds it taken.
    if not cache.add(f"platform:handoff:{payload['j']}", 1, timeout=MAX_AGE_SECONDS * 2):
        raise InvalidHandoffError("This sign-in link has already been used.")
    next_path = payload.get("n") or "/app/"
    if not next_path.startswith("/") or next_path.startswith("//"):
        next_path = "/app/"
    return Handoff(
        user_id=int(payload["u"]),
        schema_name=schema_name,
        next_path=next_path,
        impersonation_id=payload.get("i"),
    )
