"""Per-request values that logs carry (request id, schema, user), kept in context variables."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
schema_var: ContextVar[str] = ContextVar("schema", default="-")
user_var: ContextVar[str] = ContextVar("user", default="-")
