"""Idempotency-Key for booking requests: a retried request never books twice.

The first answer to a (scope, key) is stored in IdempotencyRecord, in the same transaction as the
booking it describes, and replayed for every repeat with the same body: same status, same body,
including a refusal (a 409 stays a 409, even if the time has become free since). The same key with
another body is refused with 422 idempotency_key_reused, and nothing is written.

Two requests with one key at the same moment are serialized by a transaction-level advisory lock
on hashtext(scope || ':' || key), taken before anything else: the second waits for the first to
commit and then finds its record. The unique (scope, key) constraint stays the last word.

Only answers of the operation itself are stored: a request refused before the operation starts
(malformed input, throttled, not allowed) can be corrected and retried with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from shared_apps.core.errors import DomainError, ValidationFailedError
from shared_apps.core.problems import problem_body
from tenant_apps.scheduling.errors import IdempotencyMismatchError
from tenant_apps.scheduling.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# Printable ASCII without spaces: UUIDs, ULIDs and the like.
_KEY = re.compile(rf"^[!-~]{{1,{MAX_KEY_LENGTH}}}$")


@dataclass(frozen=True)
class IdempotentResult:
    status: int
    body: dict[str, Any]
    replayed: bool = False

    @property
    def is_problem(self) -> bool:
        return self.status >= 400


def idempotency_key_clean(raw: str | None) -> str | None:
    """The key from the header (None when absent); malformed keys are a 422 on the header."""
    if raw is None:
        return None
    key = raw.strip()
    if not _KEY.match(key):
        raise ValidationFailedError(
            "The Idempotency-Key header is malformed.",
            errors={
                HEADER: [
                    f"Use 1 to {MAX_KEY_LENGTH} printable characters without spaces, "
                    "for example a UUID."
                ]
            },
        )
    return key


def request_fingerprint(payload: Any) -> str:
    """A stable hash of the request body (key order and whitespace do not matter)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _error_body(error: DomainError) -> dict[str, Any]:
    # Exactly what shared_apps.core.problems renders for this error, so a replay is identical.
    return problem_body(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        errors=error.errors,
    )


def idempotent_call(
    *,
    scope: str,
    key: str | None,
    payload: Any,
    operation: Callable[[], tuple[int, dict[str, Any]]],
) -> IdempotentResult:
    """Run `operation` (returning status and JSON body) at most once per (scope, key).

    Without a key it simply runs. With one, a domain error it raises (409 slot taken, 422 staff
    does not perform the service...) is stored like a success and raised again after commit, so
    the one exception handler still renders the first answer."""
    if key is None:
        status, body = operation()
        return IdempotentResult(status=status, body=body)
    fingerprint = request_fingerprint(payload)
    failure: DomainError | None = None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{scope}:{key}"])
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is not None:
            if record.request_hash != fingerprint:
                raise IdempotencyMismatchError(
                    "This Idempotency-Key was already used with a different request. "
                    "Use a new key for a new request.",
                    errors={HEADER: ["Already used with a different request body."]},
                )
            return IdempotentResult(
                status=record.response_status, body=record.response_body, replayed=True
            )
        try:
            # A savepoint: a refused operation leaves nothing behind but the stored answer.
            with transaction.atomic():
                status, body = operation()
        except DomainError as error:
            failure = error
            status, body = error.status, _error_body(error)
        IdempotencyRecord.objects.create(
            scope=scope,
            key=key,
            request_hash=fingerprint,
            response_status=status,
            response_body=body,
        )
    if failure is not None:
        raise failure
    return IdempotentResult(status=status, body=body)


def idempotency_records_purge(*, older_than: datetime) -> int:
    """Forget answers stored before `older_than` (keys are meant for retries, not forever)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=older_than).delete()
    return deleted


# How long a key is worth keeping: retries happen within minutes, clients give up within a day.
RETENTION = timedelta(days=1)
