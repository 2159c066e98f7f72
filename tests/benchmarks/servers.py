"""The real server processes benchmarks measure through: started on a free port against the
test database, waited for on /healthz, stopped afterwards."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
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


def gunicorn_argv(port: int) -> list[str]:
    """As production runs the sync views: gthread workers, connections kept alive."""
    return [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
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
