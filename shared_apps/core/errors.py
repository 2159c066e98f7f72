"""Domain errors. Services raise these; exactly one place (core.problems) maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a stable machine-readable `code`, a human `detail` and the HTTP status."""

    code = "error"
    status = 400
    title = "Request could not be processed"

    def __init__(
        self, detail: str | None = None, *, errors: dict[str, list[str]] | None = None, **extra: Any
    ) -> None:
        self.detail = detail or self.title
        self.errors = errors or {}
        self.extra = extra
        super().__init__(self.detail)


class ValidationFailedError(DomainError):
    code = "validation_error"
    status = 422
    title = "Some fields are invalid"


class NotFoundError(DomainError):
    code = "not_found"
    status = 404
    title = "Not found"


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403
    title = "You may not do this"


class ConflictError(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict"


class ThrottledError(DomainError):
    code = "throttled"
    status = 429
    title = "Too many attempts"

    def __init__(self, detail: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class StudioUnavailableError(DomainError):
    code = "studio_suspended"
    status = 403
    title = "This studio is suspended"
