"""Browser tests: a real server (uvicorn) on the test database, driven by headless Chromium.

The server is another process, so what it writes is committed: these tests are not wrapped in a
rolled-back transaction. They must clean up what they create (see each test), and they never
flush: a flush on public would wipe the session's studios (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, sync_playwright

ARTIFACTS = Path(settings.BASE_DIR) / "tests" / "artifacts"
STUDIO_ZONE = ZoneInfo("Europe/London")  # alpha's
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveServer:
    port: int
    mail_dir: Path

    def sent_mail(self) -> list[EmailMessage]:
        """Every email the server has sent so far, oldest first (its file-based backend writes
        each message followed by a line of 79 dashes)."""
        messages: list[EmailMessage] = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    parsed = BytesParser(policy=email_policy.default).parsebytes(chunk.lstrip())
                    assert isinstance(parsed, EmailMessage)
                    messages.append(parsed)
        return messages

    @property
    def platform_url(self) -> str:
        return f"http://localhost:{self.port}"

    def studio_url(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.localhost:{self.port}{path}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not start:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def uvicorn_server(django_db_setup: None) -> Iterator[LiveServer]:
    """uvicorn serving config.asgi on the test database (the one pytest-django created, with the
    session's studios). Celery stays eager (test settings), so provisioning runs in the server
    right after the sign-up commits."""
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "e2e_server.log"
    mail_dir = ARTIFACTS / "e2e_mail"
    shutil.rmtree(mail_dir, ignore_errors=True)
    mail_dir.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # The test settings use POSTGRES_DB as the database NAME: pass the test database itself.
        "POSTGRES_DB": str(connection.settings_dict["NAME"]),
        "PLATFORM_PORT": str(port),
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
    }
    uvicorn = Path(settings.BASE_DIR) / ".venv" / "bin" / "uvicorn"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(uvicorn),
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", process, log)
        yield LiveServer(port=port, mail_dir=mail_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def chromium_page(**context_options: Any) -> Iterator[Page]:
    """A page in a fresh headless Chromium. Playwright's sync API runs an event loop in this
    thread, which Django counts as an async context: do database work before or after the
    `with` block, never inside it."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(**context_options)
            yield context.new_page()
            context.close()
        finally:
            browser.close()


DESKTOP = {"viewport": {"width": 1280, "height": 860}, "timezone_id": "UTC"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "timezone_id": "Europe/Berlin",
}


def weekday_ahead() -> date:
    """A weekday a few days ahead in alpha's zone: the public API's notice and the calendar's
    grid never get in the way, and nobody's weekend hours matter."""
    day = timezone.now().astimezone(STUDIO_ZONE).date() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
