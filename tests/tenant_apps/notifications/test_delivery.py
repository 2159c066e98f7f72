"""Delivery: retries with backoff while the mail server fails, failed after five attempts,
never sent twice, abandoned sends picked up again."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from tenant_apps.notifications.delivery import (
    MAX_ATTEMPTS,
    notification_deliver,
    notifications_due,
)
from tenant_apps.notifications.models import Notification, NotificationKind, NotificationStatus
from tenant_apps.notifications.services import reminders_queue
from tenant_apps.notifications.tasks import notifications_sweep_task
from tenant_apps.scheduling.models import AppointmentStatus
from tenants.models import Tenant

from .conftest import MONDAY_0900_UTC, NOW

REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused by the mail server"


def _queued_confirmation(desk, django_capture_on_commit_callbacks) -> Notification:  # type: ignore[no-untyped-def]
    """A booking whose delivery tasks were lost (never run): its customer row stays queued."""
    with django_capture_on_commit_callbacks(execute=False):
        desk.book()
    return Notification.objects.get(kind=NotificationKind.BOOKING_CONFIRMED)


def test_retries_with_backoff_until_the_server_recovers(
    desk, failing_backend, django_capture_on_commit_callbacks
):
    row = _queued_confirmation(desk, django_capture_on_commit_callbacks)
    t0 = NOW

    outcome = notification_deliver(notification_id=row.pk, now=t0)

    row.refresh_from_db()
    assert (outcome.status, row.status, row.attempts) == ("queued", "queued", 1)
    assert row.last_error == REFUSED
    assert row.next_attempt_at == t0 + timedelta(minutes=1)
    assert row.pk not in notifications_due(now=t0 + timedelta(seconds=59))
    assert row.pk in notifications_due(now=t0 + timedelta(minutes=1))

    notification_deliver(notification_id=row.pk, now=t0 + timedelta(minutes=1))

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 2)
    assert row.next_attempt_at == t0 + timedelta(minutes=3)  # waits twice as long
    assert mail.outbox == []

    failing_backend.failing = False
    outcome = notification_deliver(notification_id=row.pk, now=t0 + timedelta(minutes=3))

    row.refresh_from_db()
    assert (outcome.status, row.status, row.attempts) == ("sent", "sent", 3)
    assert row.sent_at == t0 + timedelta(minutes=3)
    assert row.next_attempt_at is None
    assert row.last_error == REFUSED  # the log keeps what went wrong before
    assert [m.subject for m in mail.outbox] == [row.subject]


def test_failed_after_five_attempts_and_never_tried_again(
    desk, failing_backend, django_capture_on_commit_callbacks
):
    row = _queued_confirmation(desk, django_capture_on_commit_callbacks)
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = notification_deliver(notification_id=row.pk, now=now)
        row.refresh_from_db()
        assert row.attempts == attempt
        if row.next_attempt_at is not None:
            now = row.next_attempt_at

    assert outcome.status == "failed"
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 5, None)
    assert row.last_error == REFUSED
    assert failing_backend.attempts == 5
    assert row.pk not in notifications_due(now=now + timedelta(days=1))

    failing_backend.failing = False
    assert notification_deliver(notification_id=row.pk, now=now).status == "not_claimed"
    assert failing_backend.attempts == 5
    assert mail.outbox == []


def test_a_sent_row_is_never_sent_again(desk, django_capture_on_commit_callbacks):
    row = _queued_confirmation(desk, django_capture_on_commit_callbacks)

    first = notification_deliver(notification_id=row.pk, now=NOW)
    second = notification_deliver(notification_id=row.pk, now=NOW + timedelta(minutes=5))

    assert (first.status, second.status) == ("sent", "not_claimed")
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)


class DyingBackend:
    """The worker process dies while talking to the mail server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise SystemExit("worker killed")


def test_a_send_abandoned_mid_way_is_picked_up_after_its_claim_lapses(
    desk, settings, django_capture_on_commit_callbacks
):
    row = _queued_confirmation(desk, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"

    with pytest.raises(SystemExit):
        notification_deliver(notification_id=row.pk, now=NOW)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Another worker given the same row meanwhile leaves it alone: the claim still holds.
    assert notification_deliver(notification_id=row.pk, now=NOW + timedelta(minutes=5)).status == (
        "not_claimed"
    )
    assert row.pk not in notifications_due(now=NOW + timedelta(minutes=9))
    assert row.pk in notifications_due(now=NOW + timedelta(minutes=10))

    outcome = notification_deliver(notification_id=row.pk, now=NOW + timedelta(minutes=10))

    row.refresh_from_db()
    assert (outcome.status, row.status, row.attempts) == ("sent", "sent", 2)
    assert len(mail.outbox) == 1


def test_the_sweeper_sends_rows_whose_task_was_lost(
    desk, failing_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        desk.book()  # the mail server is down: every first attempt fails
    assert set(Notification.objects.values_list("status", "attempts")) == {("queued", 1)}
    failing_backend.failing = False

    assert notifications_sweep_task.apply().get() == 0  # their retries are not due yet

    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert notifications_sweep_task.apply().get() == 3

    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 2)}
    assert len(mail.outbox) == 3
    assert notifications_sweep_task.apply().get() == 0
    assert len(mail.outbox) == 3


def test_a_reminder_for_a_booking_cancelled_meanwhile_is_skipped(
    desk, django_capture_on_commit_callbacks
):
    appointment = desk.book()
    with django_capture_on_commit_callbacks(execute=False):
        (reminder_id,) = reminders_queue(now=MONDAY_0900_UTC - timedelta(minutes=30))
    desk.set_status(appointment, AppointmentStatus.CANCELLED, reason="Teacher ill")
    mail.outbox.clear()

    outcome = notification_deliver(notification_id=reminder_id, now=MONDAY_0900_UTC)

    row = Notification.objects.get(pk=reminder_id)
    assert (outcome.status, row.status) == ("skipped", NotificationStatus.SKIPPED)
    assert row.last_error == "The appointment is cancelled."
    assert mail.outbox == []


def test_a_row_locked_by_another_worker_is_left_to_it(alpha_tx: Tenant) -> None:
    row = Notification.objects.create(
        kind=NotificationKind.REMINDER,
        recipient_email="a@example.test",
        recipient_timezone="Europe/London",
        subject="Reminder",
        context={},
        dedupe_key="test:locked",
    )
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        connection.set_tenant(alpha_tx)
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)
    try:
        outcome = notification_deliver(notification_id=row.pk, now=timezone.now())
    finally:
        release.set()
        thread.join(10)

    assert outcome.status == "not_claimed"  # skipped without waiting for the lock
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 0)
    assert mail.outbox == []
