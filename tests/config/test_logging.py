"""Request ids and structured logs: every line carries the request id, the studio's schema and
the user; production renders JSON. (X-Request-ID pass-through and replacement of a bad id on
/healthz: tests/tenants/test_resolution.py.)"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler
from django_tenants.utils import schema_context

from shared_apps.core.logging_config import RequestContextFilter, build_logging
from tenants.tasks import studio_usage_snapshot


class JsonLines:
    """The lines the production (JSON) handler writes, parsed."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines()]

    def event(self, event: str) -> dict[str, Any]:
        matches = [line for line in self.all() if line["event"] == event]
        assert len(matches) == 1, self.all()
        return matches[0]


def _production_handler(stream: io.StringIO) -> logging.Handler:
    """The console handler of build_logging(json_output=True), writing to `stream`."""
    config = build_logging(json_output=True, level="INFO")
    formatter_spec = dict(config["formatters"]["structured"])
    formatter_factory = formatter_spec.pop("()")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_factory(**formatter_spec))
    handler.addFilter(RequestContextFilter())
    return handler


@pytest.fixture
def json_logs() -> Iterator[JsonLines]:
    stream = io.StringIO()
    handler = _production_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield JsonLines(stream)
    root.removeHandler(handler)


def test_log_line_during_a_studio_request_carries_request_id_schema_and_user(
    alpha_client, alpha_owner, json_logs
):
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-0001-alpha")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-0001-alpha"
    line = json_logs.event("Not Found: /no-such-page/")
    assert line["request_id"] == "trace-0001-alpha"
    assert line["schema"] == "alpha"
    assert line["user"] == str(alpha_owner.pk)
    assert line["level"] == "warning"
    assert line["logger"] == "django.request"
    assert line["status_code"] == 404
    assert "request" not in line  # Django's request object is not dumped into the line
    assert line["timestamp"].endswith("Z")


def test_anonymous_request_logs_a_dash_for_the_user(alpha_client, json_logs):
    alpha_client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-0002-alpha")

    line = json_logs.event("Not Found: /no-such-page/")
    assert (line["request_id"], line["schema"], line["user"]) == ("trace-0002-alpha", "alpha", "-")


def test_request_context_does_not_leak_into_the_next_request(alpha_client, alpha_owner, json_logs):
    alpha_client.force_login(alpha_owner)
    alpha_client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-0003-alpha")
    alpha_client.logout()

    second = alpha_client.get("/other-missing-page/")

    line = json_logs.event("Not Found: /other-missing-page/")
    assert line["request_id"] == second["X-Request-ID"]
    assert line["request_id"] != "trace-0003-alpha"
    assert line["user"] == "-"
    logging.getLogger("tests.after").info("between requests")
    after = json_logs.event("between requests")
    assert (after["request_id"], after["user"]) == ("-", "-")


def test_request_ids_are_generated_per_request_on_studio_and_unknown_hosts(platform_client):
    first = platform_client.get("/no-such-page/", HTTP_HOST="alpha.localhost")
    second = platform_client.get("/no-such-page/", HTTP_HOST="alpha.localhost")
    unknown = platform_client.get("/", HTTP_HOST="nosuchstudio.localhost")

    ids = [first["X-Request-ID"], second["X-Request-ID"], unknown["X-Request-ID"]]
    assert [len(request_id) for request_id in ids] == [32, 32, 32]
    assert len(set(ids)) == 3
    assert unknown.status_code == 404  # answered by the tenant middleware, id still set


def test_task_log_lines_carry_the_studio_schema(alpha, json_logs):
    with schema_context("alpha"):
        studio_usage_snapshot.delay().get()

    line = json_logs.event("studio usage measured")
    assert line["schema"] == "alpha"
    assert line["request_id"] == "-"
    assert line["logger"] == "tenants.tasks"
    assert line["counts"]["customers"] == 0


def test_json_lines_render_exceptions_as_text(json_logs):
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        logging.getLogger("tests.errors").exception("it broke")

    line = json_logs.event("it broke")
    assert line["level"] == "error"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert line["exception"].endswith("ZeroDivisionError: division by zero")


def test_development_logs_are_key_value_lines():
    config = build_logging(json_output=False, level="DEBUG")
    stream = io.StringIO()
    spec = dict(config["formatters"]["structured"])
    handler = logging.StreamHandler(stream)
    handler.setFormatter(spec.pop("()")(**spec))
    handler.addFilter(RequestContextFilter())
    record = logging.LogRecord("tests.dev", logging.INFO, __file__, 1, "hello %s", ("you",), None)

    handler.handle(record)

    line = stream.getvalue()
    assert "hello you" in line
    assert "request_id=-" in line
    assert "user=-" in line
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["django"] == {"handlers": [], "level": "DEBUG", "propagate": True}


def _asgi_get(path: str, headers: dict[str, str]) -> tuple[int, dict[bytes, bytes]]:
    """One GET through Django's real ASGI handler (the test AsyncClient always adds a
    "testserver" Host header, which a studio host cannot be combined with)."""

    async def call() -> tuple[int, dict[bytes, bytes]]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        communicator = ApplicationCommunicator(ASGIHandler(), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=5)
        while (await communicator.receive_output(timeout=5)).get("more_body"):
            pass
        return start["status"], dict(start["headers"])

    return async_to_sync(call)()


def test_log_context_also_holds_under_asgi(alpha, json_logs):
    status, headers = _asgi_get(
        "/no-such-page/", {"host": "alpha.localhost", "x-request-id": "trace-asgi-0001"}
    )

    assert status == 404
    assert headers[b"X-Request-ID"] == b"trace-asgi-0001"
    line = json_logs.event("Not Found: /no-such-page/")
    assert (line["request_id"], line["schema"]) == ("trace-asgi-0001", "alpha")
