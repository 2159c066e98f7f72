"""Demo data for notifications: reminder settings and a delivery log with some history (sent
confirmations, reminders and review invitations, one bounced address, one skipped reminder).

The history rows are written as already delivered (no task is sent for them). Idempotent: each
row's dedupe key names the demo appointment, so running it again adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from tenant_apps.notifications.models import (
    Notification,
    NotificationKind,
    NotificationSettings,
    NotificationStatus,
)
from tenant_apps.notifications.outbox import notifications_insert
from tenant_apps.notifications.rendering import subject_for, zone_for
from tenant_apps.notifications.selectors import current_studio
from tenant_apps.notifications.services import appointment_facts
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenants.models import Tenant

BOUNCE = "SMTPRecipientsRefused: {'%s': (550, b'5.1.1 Mailbox does not exist')}"


def _row(
    appointment: Appointment,
    kind: NotificationKind,
    *,
    studio: Tenant,
    status: NotificationStatus,
    extra: dict[str, int] | None = None,
) -> Notification:
    facts = appointment_facts(appointment) | (extra or {})
    zone = zone_for(studio.timezone)
    customer = appointment.customer
    return Notification(
        kind=kind,
        recipient_email=customer.email,
        recipient_name=customer.full_name,
        recipient_timezone=zone.key,
        subject=subject_for(kind=kind, facts=facts, zone=zone, studio_name=studio.name),
        context=facts,
        appointment=appointment,
        dedupe_key=f"demo:{kind}:{appointment.pk}",
        status=status,
    )


def notifications_demo_seed(*, now: datetime) -> int:
    """In the demo studio's schema. Returns how many log rows were added."""
    studio = current_studio()
    NotificationSettings.objects.get_or_create(pk=NotificationSettings.SINGLETON_ID)
    base = Appointment.objects.select_related("service", "staff", "customer").order_by("start")
    upcoming = list(
        base.filter(
            status=AppointmentStatus.CONFIRMED, start__gt=now, start__lte=now + timedelta(days=5)
        )[:24]
    )
    completed = list(
        base.filter(
            status=AppointmentStatus.COMPLETED,
            start__gte=now - timedelta(days=3),
            start__lt=now,
        )[:8]
    )
    cancelled = base.filter(status=AppointmentStatus.CANCELLED, start__gt=now).first()
    rows: list[tuple[Notification, datetime]] = []
    # One customer whose address bounces, to show what a failed delivery looks like.
    bounced = upcoming.pop() if len(upcoming) > 1 else None
    if bounced is not None:
        failed = _row(
            bounced,
            NotificationKind.BOOKING_CONFIRMED,
            status=NotificationStatus.FAILED,
            studio=studio,
        )
        failed.attempts = 5
        failed.last_error = BOUNCE % bounced.customer.email
        rows.append((failed, now - timedelta(hours=2)))
    for appointment in upcoming:
        sent_at = min(appointment.start - timedelta(days=2), now - timedelta(hours=3))
        rows.append(
            (
                _row(
                    appointment,
                    NotificationKind.BOOKING_CONFIRMED,
                    status=NotificationStatus.SENT,
                    studio=studio,
                ),
                sent_at,
            )
        )
        if appointment.start <= now + timedelta(hours=24):
            rows.append(
                (
                    _row(
                        appointment,
                        NotificationKind.REMINDER,
                        status=NotificationStatus.SENT,
                        extra={"offset_minutes": 24 * 60},
                        studio=studio,
                    ),
                    appointment.start - timedelta(hours=24),
                )
            )
    for appointment in completed:
        rows.append(
            (
                _row(
                    appointment,
                    NotificationKind.REVIEW_INVITATION,
                    status=NotificationStatus.SENT,
                    studio=studio,
                ),
                appointment.end + timedelta(minutes=5),
            )
        )
    if cancelled is not None:
        rows.append(
            (
                _row(
                    cancelled,
                    NotificationKind.REMINDER,
                    status=NotificationStatus.SKIPPED,
                    extra={"offset_minutes": 24 * 60},
                    studio=studio,
                ),
                now - timedelta(minutes=40),
            )
        )
    with transaction.atomic():
        ids = notifications_insert(row for row, _ in rows)
        inserted = set(ids)
        for row, when in rows:
            found = Notification.objects.filter(dedupe_key=row.dedupe_key, pk__in=inserted)
            if row.status == NotificationStatus.SKIPPED:
                found.update(
                    created_at=when, attempts=1, last_error="The appointment is cancelled."
                )
            elif row.status == NotificationStatus.FAILED:
                found.update(created_at=when - timedelta(minutes=15))
            else:
                found.update(created_at=when - timedelta(seconds=4), sent_at=when, attempts=1)
    return len(ids)
