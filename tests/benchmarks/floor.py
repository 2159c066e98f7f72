"""The floor under a throughput goal: the same transaction pgbench replays, sent over HTTP by
the thinnest Python servers that can send it, on the same gunicorn settings and clients.

Two floors, each reading the pgbench script named by BENCH_FLOOR_SCRIPT and running it once per
POST (pgbench's `:client_id` comes from the X-Bench-Client header):

- `application`: a bare WSGI callable with one psycopg connection per thread. No framework at
  all: what Python, gunicorn and psycopg alone cost on top of the database.
- `tests.benchmarks.bench_server.floor`: a Django view behind the project's whole middleware
  stack (the studio resolved from the Host header), running the script on Django's connection
  through one raw cursor: no DRF, no ORM, no services.

An endpoint can't be faster than its floors, so their ratios to pgbench say how much of a goal
is reachable on this machine at all.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import psycopg

CLIENT_HEADER = "X-Bench-Client"
_VARIABLE = re.compile(r"(?<!:):([a-z_]+)\b")
_GSET = "\\gset"


@cache
def floor_script() -> tuple[str, ...]:
    """The pgbench script's statements, one per line (as the benchmarks write them)."""
    with open(os.environ["BENCH_FLOOR_SCRIPT"]) as script:
        return tuple(line.rstrip().rstrip(";") for line in script if line.strip())


def script_run(execute: Callable[[str], Any], fetchone: Callable[[], Any], client: int) -> None:
    """Run the script as pgbench would: `\\gset` lines store their columns as variables, and
    `:name` is replaced by the variable's value (`::type` casts are left alone)."""
    variables: dict[str, str] = {"client_id": str(client)}
    for line in floor_script():
        statement = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), line)
        if statement.endswith(_GSET):
            # Only single-column `SELECT ... AS name \gset` lines are written by the benchmarks.
            name = statement.rsplit(" AS ", 1)[1].removesuffix(_GSET).strip()
            execute(statement.removesuffix(_GSET))
            variables[name] = str(fetchone()[0])
        else:
            execute(statement)


_local = threading.local()


def _connection() -> psycopg.Connection[Any]:
    conn = getattr(_local, "connection", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(
            dbname=os.environ["POSTGRES_DB"],
            host=os.environ.get("POSTGRES_HOST", "127.0.0.1"),
            port=os.environ.get("POSTGRES_PORT", "5432"),
            user=os.environ.get("POSTGRES_USER", "postgres"),
            password=os.environ.get("POSTGRES_PASSWORD", ""),
            autocommit=True,  # the script has its own BEGIN and COMMIT, as the endpoint's do
        )
        _local.connection = conn
    return conn


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The no-framework floor (and /healthz, which the benchmark servers are waited on)."""
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    client = int(environ.get("HTTP_X_BENCH_CLIENT", "0"))
    with _connection().cursor() as cursor:
        script_run(cursor.execute, cursor.fetchone, client)
    body = b'{"floor": "wsgi"}'
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
