"""Requests per second of a minimal studio page with host -> studio resolution
(CachedTenantMiddleware, warm cache) against the same request with resolution bypassed.

One real server (gunicorn, 1 worker, 1 thread, keep-alive) on the test database, settings in
bench_settings.py; the two paths differ only in whether the tenant middleware runs. Rounds
alternate between the paths to cancel drift and noise from other processes.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tenants.resolution import _shared_lookup, local_memo_wait_until_listening, tenant_for_host
from tests.benchmarks.bench_server import BYPASS_HEADER, COUNT_HEADER
from tests.benchmarks.conftest import median, report, timed

ROOT = Path(__file__).resolve().parents[2]
HOST = "alpha.localhost"
ROUNDS = 10
REQUESTS_PER_ROUND = 400
GOAL = 0.85


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(committed_db, tmp_path) -> Iterator[int]:  # type: ignore[no-untyped-def]
    port = _free_port()
    server_log = (tmp_path / "gunicorn.log").open("w+")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.bench_settings",
        "POSTGRES_DB": connection.settings_dict["NAME"],
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--worker-class=gthread",
            "--threads=1",
            "--keep-alive=60",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(port, process, server_log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server_log.close()


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log: IO[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited:\n{log.read()}")
        try:
            status, _, _ = _get(
                http.client.HTTPConnection("127.0.0.1", port, timeout=2), "/healthz"
            )
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


def _get(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes, http.client.HTTPResponse]:
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    return response.status, body, response


def _run(conn: http.client.HTTPConnection, headers: dict[str, str], count: int) -> float:
    """Seconds for `count` requests on one kept-alive connection; every answer must be 200."""
    with timed() as elapsed:
        for _ in range(count):
            conn.request("GET", "/bench/ping", headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise AssertionError(f"unexpected status {response.status}")
    return elapsed()


def test_tenant_resolution_throughput(server):
    port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    cache.clear()

    # Both paths serve the page; only the resolved one knows its studio.
    count_headers = {COUNT_HEADER: "1"}
    cold_status, cold_body, cold = _get(conn, "/bench/ping", count_headers)
    warm_status, warm_body, warm = _get(conn, "/bench/ping", count_headers)
    bypass_status, bypass_body, bypass = _get(
        conn, "/bench/ping", {**count_headers, BYPASS_HEADER: "1"}
    )
    assert (cold_status, cold_body) == (200, b"alpha")
    assert (warm_status, warm_body) == (200, b"alpha")
    assert (bypass_status, bypass_body) == (200, b"-")
    assert warm.getheader("Connection", "").lower() != "close"  # kept alive

    with_tenant = {"Host": HOST}
    without_tenant = {"Host": HOST, BYPASS_HEADER: "1"}
    _run(conn, with_tenant, 200)  # warm-up: imports, caches, CPU frequency
    _run(conn, without_tenant, 200)

    seconds = {"with": 0.0, "without": 0.0}
    round_ratios: list[float] = []
    for round_number in range(ROUNDS):
        order = ["with", "without"] if round_number % 2 == 0 else ["without", "with"]
        took: dict[str, float] = {}
        for path in order:
            headers = with_tenant if path == "with" else without_tenant
            took[path] = _run(conn, headers, REQUESTS_PER_ROUND)
            seconds[path] += took[path]
        round_ratios.append(took["without"] / took["with"])
    conn.close()

    total = ROUNDS * REQUESTS_PER_ROUND
    rps_with = total / seconds["with"]
    rps_without = total / seconds["without"]
    ratio = rps_with / rps_without
    cost_us = (seconds["with"] - seconds["without"]) / total * 1e6
    report(
        f"tenant resolution: with={rps_with:.0f} rps without={rps_without:.0f} rps "
        f"ratio={ratio:.1%} (median round {median(round_ratios):.1%}; goal >= {GOAL:.0%}; "
        f"{cost_us:.0f} us per request; gunicorn gthread 1x1, {total} requests per path)"
    )
    report(
        "tenant resolution queries per request: "
        f"warm cache={warm.getheader('X-Bench-Queries')} "
        f"cold cache={cold.getheader('X-Bench-Queries')} "
        f"(+{cold.getheader('X-Bench-Setup')} new-connection setup statements) "
        f"bypassed={bypass.getheader('X-Bench-Queries')}"
    )
    lookup_us, shared_us, redis_get_us = _warm_lookup_costs()
    report(
        f"tenant resolution warm lookup (in-process): tenant_for_host={lookup_us:.1f} us "
        f"(process memo); through the shared cache it would be {shared_us:.0f} us "
        f"(a bare Redis GET alone: {redis_get_us:.0f} us)"
    )
    assert rps_with > 0 and rps_without > 0


def _warm_lookup_costs(calls: int = 2000) -> tuple[float, float, float]:
    """Microseconds per call: the warm lookup (process memo), the shared-cache lookup the memo
    saves, and a bare redis-py GET of the same key."""
    assert local_memo_wait_until_listening()
    assert tenant_for_host(HOST) is not None  # warm
    key = cache.make_key(f"platform:tenant-host:{HOST}")
    bare = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    assert bare.get(key) is not None
    with timed() as lookup:
        for _ in range(calls):
            tenant_for_host(HOST)
    with timed() as shared:
        for _ in range(calls):
            _shared_lookup(HOST)
    with timed() as redis_get:
        for _ in range(calls):
            bare.get(key)
    bare.close()
    return (lookup() / calls * 1e6, shared() / calls * 1e6, redis_get() / calls * 1e6)
