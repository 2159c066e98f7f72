"""One delivery through a real SMTP server (aiosmtpd, started by the test on a free port)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tenant_apps.notifications.models import Notification, NotificationKind


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_confirmation_arrives_over_smtp(desk, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = desk.book()

    arrived = {rcpt[0]: message for _, rcpt, message in smtp_server.messages}
    assert set(arrived) == {"anna@example.test", "maya@alpha.test", "owner@alpha.test"}
    message = arrived["anna@example.test"]
    assert message["Subject"] == "Booking confirmed: Reformer Session on Mon 14 Jun, 10:00"
    assert message["From"] == "Alpha Pilates <hello@studiobook.test>"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "When: Monday 14 June 2027, 10:00 BST until 10:55" in text.get_content()
    assert "Monday 14 June 2027, 10:00 BST" in html.get_content()
    (ics,) = [part for part in message.iter_attachments() if part.get_filename()]
    assert ics.get_filename() == f"appointment-{appointment.reference}.ics"
    assert "DTSTART;TZID=Europe/London:20270614T100000" in ics.get_content()
    sent = Notification.objects.get(kind=NotificationKind.BOOKING_CONFIRMED)
    assert (sent.status, sent.attempts) == ("sent", 1)
