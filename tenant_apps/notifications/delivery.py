"""Sending outbox rows: claim, send, record; and the sweep that finds rows left behind.

A row is claimed (queued -> sending, attempts + 1) in a short transaction that locks it with
SKIP LOCKED, so two workers given the same row never both send it, and a row already sent is
never claimed again. The email goes out outside any transaction; the outcome is written after.
A worker that dies mid-send leaves the row "sending" until its claim lapses; the sweeper then
hands it out again. Retries are scheduled by the sweeper too (the row's next_attempt_at), not
by Celery countdowns: the outbox stays the only record of what is owed, and nothing is lost
when Redis or a worker is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now

from tenant_apps.notifications.models import Notification, NotificationKind, NotificationStatus
from tenant_apps.notifications.rendering import email_build
from tenant_apps.notifications.selectors import current_studio
from tenant_apps.scheduling.models import AppointmentStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# After the n-th failed attempt the next one waits RETRY_BASE * 2**(n-1): 1, 2, 4, 8 minutes.
RETRY_BASE = timedelta(minutes=1)
# How long a claimed row may stay "sending" before it counts as abandoned.
SENDING_LEASE = timedelta(minutes=10)
# A row queued this recently still has its own task on the way; the sweeper leaves it alone.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500
ERROR_MAX_LENGTH = 2000


@dataclass(frozen=True)
class DeliveryOutcome:
    notification_id: int
    status: str  # a NotificationStatus, or "not_claimed" when another worker has it / it is done
    attempts: int = 0


def retry_delay(attempts: int) -> timedelta:
    return RETRY_BASE * 2 ** max(attempts - 1, 0)


def _claim(notification_id: int, now: datetime) -> Notification | None:
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("appointment", "appointment__customer")
            .filter(pk=notification_id)
            .filter(
                Q(status=NotificationStatus.QUEUED)
                | Q(status=NotificationStatus.SENDING, next_attempt_at__lte=now)
            )
            .first()
        )
        if row is None:
            return None
        if row.attempts >= MAX_ATTEMPTS:
            # Its last attempt was abandoned mid-send: that was the last one it had.
            row.status = NotificationStatus.FAILED
            row.last_error = row.last_error or "The last attempt was interrupted."
            row.next_attempt_at = None
            row.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
            return None
        row.status = NotificationStatus.SENDING
        row.attempts += 1
        row.next_attempt_at = now + SENDING_LEASE
        row.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    return row


def _skip_reason(row: Notification) -> str | None:
    """Why a reminder should no longer go out (the booking changed since it was queued)."""
    if row.kind != NotificationKind.REMINDER:
        return None
    appointment = row.appointment
    if appointment is None:
        return "The appointment no longer exists."
    if appointment.status != AppointmentStatus.CONFIRMED:
        return f"The appointment is {appointment.get_status_display().lower()}."
    if appointment.start.isoformat() != row.context.get("start"):
        return "The appointment was moved; its new time gets its own reminder."
    if not appointment.customer.reminders_enabled:
        return "The customer switched reminders off."
    return None


def _finish(row: Notification, **changes: object) -> None:
    # Only the claim that is still ours: a lapsed claim may have been handed out again.
    Notification.objects.filter(
        pk=row.pk, status=NotificationStatus.SENDING, attempts=row.attempts
    ).update(**changes, updated_at=Now())


def notification_deliver(*, notification_id: int, now: datetime) -> DeliveryOutcome:
    """Send one outbox row if it is still owed; record the outcome."""
    row = _claim(notification_id, now)
    if row is None:
        return DeliveryOutcome(notification_id, "not_claimed")
    reason = _skip_reason(row)
    if reason is not None:
        _finish(
            row,
            status=NotificationStatus.SKIPPED,
            last_error=reason,
            next_attempt_at=None,
        )
        return DeliveryOutcome(row.pk, NotificationStatus.SKIPPED, row.attempts)
    try:
        email_build(notification=row, studio=current_studio()).send()
    # The boundary of one delivery: whatever went wrong (SMTP refusal, network, a template),
    # the row must record it and get its retry instead of staying "sending".
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        failed = row.attempts >= MAX_ATTEMPTS
        logger.warning(
            "notification delivery failed",
            extra={"notification_id": row.pk, "attempts": row.attempts, "final": failed},
            exc_info=True,
        )
        status = NotificationStatus.FAILED if failed else NotificationStatus.QUEUED
        _finish(
            row,
            status=status,
            last_error=error,
            next_attempt_at=None if failed else now + retry_delay(row.attempts),
        )
        return DeliveryOutcome(row.pk, status, row.attempts)
    _finish(row, status=NotificationStatus.SENT, sent_at=now, next_attempt_at=None)
    return DeliveryOutcome(row.pk, NotificationStatus.SENT, row.attempts)


def notifications_due(*, now: datetime) -> list[int]:
    """Rows owed a delivery that no task is known to carry: retries whose wait is over, rows
    whose task was lost (queued a while ago, never claimed) and abandoned claims."""
    return list(
        Notification.objects.filter(
            Q(status=NotificationStatus.QUEUED, next_attempt_at__lte=now)
            | Q(
                status=NotificationStatus.QUEUED,
                next_attempt_at__isnull=True,
                created_at__lte=now - SWEEP_GRACE,
            )
            | Q(status=NotificationStatus.SENDING, next_attempt_at__lte=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
