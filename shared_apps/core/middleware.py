"""Cross-cutting middleware: request ids, health checks on every host, log context."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from shared_apps.core.health import healthz, readyz
from shared_apps.core.request_context import request_id_var, schema_var, user_var

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


class RequestIdMiddleware:
    """Every response carries X-Request-ID: the caller's when it is sane, else a new one.

    The log context is cleared when the request is finished, not when this middleware returns:
    Django writes its "Not Found" / "Forbidden" lines for 4xx responses after the whole
    middleware chain has returned, and those lines must still carry the request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        _clear_log_context()
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _clear_log_context() -> None:
    request_id_var.set("-")
    schema_var.set("-")
    user_var.set("-")


@receiver(request_finished, dispatch_uid="core.clear_log_context")
def _request_finished(**kwargs: object) -> None:
    # Sent when the server closes the response, after Django's own request logging: lines
    # written between requests (same thread under WSGI) carry no stale request id or user.
    _clear_log_context()


class HealthCheckMiddleware:
    """/healthz and /readyz answer on every host, before tenant resolution (an unknown or
    suspended studio must not make a load balancer think the process is down)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in ("/healthz", "/healthz/"):
            return healthz()
        if request.path in ("/readyz", "/readyz/"):
            return readyz()
        return self.get_response(request)


class LogContextMiddleware:
    """After tenant resolution and authentication: put schema and user in the log context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        schema_var.set(getattr(connection, "schema_name", "-"))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_var.set(str(user.pk))
        return self.get_response(request)
