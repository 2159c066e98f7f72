"""URLs, view and middleware of the benchmark server (tests/benchmarks/bench_settings.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tenants.middleware import CachedTenantMiddleware
from tests.benchmarks.floor import script_run

BYPASS_HEADER = "X-Bench-No-Tenant"
COUNT_HEADER = "X-Bench-Count-Queries"


class BypassableTenantMiddleware(CachedTenantMiddleware):
    """CachedTenantMiddleware, skipped entirely when the request carries BYPASS_HEADER."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_BENCH_NO_TENANT" in request.META:
            return self.get_response(request)  # type: ignore[no-any-return]
        return super().__call__(request)  # type: ignore[no-any-return]


class QueryCountMiddleware:
    """With COUNT_HEADER, answers how many SQL statements the request ran: X-Bench-Queries
    (real queries) and X-Bench-Setup (statements of a connection's setup: the search_path and
    the type lookups django.contrib.postgres runs on every new connection)."""

    SETUP_PREFIXES = ("SET search_path", "SELECT oid, typarray FROM pg_type")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_BENCH_COUNT_QUERIES" not in request.META:
            return self.get_response(request)
        statements: list[str] = []

        def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            statements.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        setup = [sql for sql in statements if sql.startswith(self.SETUP_PREFIXES)]
        response["X-Bench-Queries"] = str(len(statements) - len(setup))
        response["X-Bench-Setup"] = str(len(setup))
        return response


def ping(request: HttpRequest) -> HttpResponse:
    """No database, no template: what is left to measure is the middleware stack."""
    tenant = getattr(request, "tenant", None)
    return HttpResponse(tenant.schema_name if tenant else "-", content_type="text/plain")


@csrf_exempt
def floor(request: HttpRequest) -> HttpResponse:
    """The Django floor (tests/benchmarks/floor.py): the pgbench script through one raw cursor
    on Django's connection, behind the whole middleware stack."""
    client = int(request.headers.get("X-Bench-Client", "0"))
    with connection.cursor() as cursor:
        script_run(cursor.execute, cursor.fetchone, client)
    return HttpResponse(b'{"floor": "django"}', status=201, content_type="application/json")


urlpatterns = [path("bench/ping", ping), path("bench/floor", floor)]
