"""The real server processes benchmarks measure through: started on a free port against the
test database, waited for on /healthz, stopped afterwards."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HOST = "alpha.localhost"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_argv(port: int, app: str = "config.wsgi:application") -> list[str]:
    """As production runs the sync views: gthread workers, connections kept alive."""
    return [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        f"--bind=127.0.0.1:{port}",
        f"--workers={os.environ.get('BENCH_WORKERS', '2')}",
        "--worker-class=gthread",
        f"--threads={os.environ.get('BENCH_THREADS', '2')}",
        "--keep-alive=60",
        "--log-level=warning",
    ]


def uvicorn_argv(port: int) -> list[str]:
    """config.asgi with websockets (the live calendar)."""
    return [
        str(Path(sys.executable).with_name("uvicorn")),
        "config.asgi:application",
        "--host=127.0.0.1",
        f"--port={port}",
        "--ws=websockets",
        "--log-level=warning",
    ]


@contextmanager
def served(
    argv: list[str], port: int, *, settings_module: str, env: dict[str, str] | None = None
) -> Iterator[int]:
    """Run `argv` (listening on `port`) on the test database until the block ends."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "POSTGRES_DB": connection.settings_dict["NAME"],
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    with open(os.devnull, "w") as log:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/healthz", headers={"Host": HOST})
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"{Path(argv[0]).name} did not start") from None
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)


def http_throughput(
    port: int,
    path: str,
    bodies: list[list[bytes | None]],
    headers: list[dict[str, str]],
    *,
    method: str = "POST",
    status: int = 201,
) -> float:
    """Requests per second of len(bodies) keep-alive clients sending `method` `path` at once,
    client i sending bodies[i] in order with headers[i] (the first one a warm-up, not timed);
    every answer must have `status`."""
    statuses: list[int] = []
    barrier = threading.Barrier(len(bodies) + 1)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def send(body: bytes | None) -> int:
            conn.request(method, path, body=body, headers={"Host": HOST, **headers[i]})
            response = conn.getresponse()
            response.read()
            return response.status

        statuses.append(send(bodies[i][0]))
        barrier.wait()
        statuses.extend(send(body) for body in bodies[i][1:])
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert set(statuses) == {status}, f"unexpected statuses {sorted(set(statuses))}"
    return sum(len(b) - 1 for b in bodies) / elapsed


def floor_throughputs(script: Path, *, clients: int, requests_per_client: int) -> dict[str, float]:
    """The two floors of tests/benchmarks/floor.py running `script` (a pgbench script) at
    `clients`: requests per second of the bare WSGI app and of the Django view."""
    bodies: list[list[bytes | None]] = [[b"{}"] * (requests_per_client + 1) for _ in range(clients)]
    headers = [
        {"Content-Type": "application/json", "X-Bench-Client": str(i)} for i in range(clients)
    ]
    env = {"BENCH_FLOOR_SCRIPT": str(script)}
    figures = {}
    for name, app, settings_module, path in (
        ("wsgi", "tests.benchmarks.floor:application", "config.settings.test", "/"),
        ("django", "config.wsgi:application", "tests.benchmarks.bench_settings", "/bench/floor"),
    ):
        port = free_port()
        with served(gunicorn_argv(port, app), port, settings_module=settings_module, env=env):
            figures[name] = http_throughput(port, path, bodies, headers)
    return figures
