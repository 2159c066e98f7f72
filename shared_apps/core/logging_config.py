"""Structured logging: key=value in development, JSON in production; every line carries the
request id, the tenant schema and the user (from core.request_context)."""

from __future__ import annotations

import logging
from typing import Any


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from shared_apps.core.request_context import request_id_var, schema_var, user_var

        schema = schema_var.get()
        if schema == "-":
            # Outside a request (Celery tasks, commands) the active schema is the context.
            schema = _active_schema()
        record.request_id = request_id_var.get()
        record.schema = schema
        record.user = user_var.get()
        return True


def _active_schema() -> str:
    from django.db import connection

    # An attribute of this thread's connection wrapper: no query, no connection opened.
    return getattr(connection, "schema_name", None) or "-"


def build_logging(*, json_output: bool, level: str) -> dict[str, Any]:
    import structlog

    pre_chain = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any
    if json_output:
        # JSON cannot carry a traceback object: render it to text under "exception".
        renderer = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        renderer = [structlog.dev.ConsoleRenderer(colors=False)]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    _copy_context_fields,
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *renderer,
                ],
                "foreign_pre_chain": pre_chain,
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default config gives "django" handlers of its own (a plain console one
            # in DEBUG, mail to ADMINS otherwise): every line would be written twice. One
            # handler, on root, for everything.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "django_tenants_smart_executor": {"level": "ERROR"},
        },
    }


def _copy_context_fields(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    record = event.get("_record")
    if record is not None:
        event.setdefault("logger", record.name)
        for field in ("request_id", "schema", "user"):
            event.setdefault(field, getattr(record, field, "-"))
        # Django passes the request object as an extra; its repr is noise in a log line.
        event.pop("request", None)
    return event
