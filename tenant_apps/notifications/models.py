"""The notification outbox and a studio's reminder settings (tenant schema)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from tenant_apps.scheduling.models import Appointment


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Not sent because it stopped making sense before it went out (a reminder for a booking
    # that was cancelled or moved meanwhile, or whose customer switched reminders off).
    SKIPPED = "skipped", "Skipped"


class NotificationKind(models.TextChoices):
    # To the customer.
    BOOKING_RECEIVED = "booking_received", "Booking request received"
    BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmed"
    BOOKING_REJECTED = "booking_rejected", "Booking request declined"
    BOOKING_RESCHEDULED = "booking_rescheduled", "Booking moved"
    BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
    REMINDER = "reminder", "Reminder"
    REVIEW_INVITATION = "review_invitation", "Review invitation"
    # Classes, waitlists and credit packages (to the customer; their facts and subject are
    # written by the classes and packages apps, the templates are named after the kind).
    CLASS_BOOKED = "class_booked", "Class booked"
    CLASS_WAITLISTED = "class_waitlisted", "Added to a class waitlist"
    CLASS_PROMOTED = "class_promoted", "Moved from the waitlist into the class"
    CLASS_SPOT_OFFERED = "class_spot_offered", "A class spot is offered"
    CLASS_ENROLLMENT_CANCELLED = "class_enrollment_cancelled", "Class booking cancelled"
    CLASS_SESSION_CANCELLED = "class_session_cancelled", "Class cancelled by the studio"
    CLASS_SESSION_CHANGED = "class_session_changed", "Class time changed"
    CREDITS_EXPIRING = "credits_expiring", "Credits expiring soon"
    # To the studio's people.
    STUDIO_NEW_BOOKING = "studio_new_booking", "New booking (studio)"
    STUDIO_BOOKING_CANCELLED = "studio_booking_cancelled", "Cancelled by customer (studio)"
    STUDIO_BOOKING_RESCHEDULED = "studio_booking_rescheduled", "Moved by customer (studio)"


CUSTOMER_KINDS = frozenset(
    {
        NotificationKind.BOOKING_RECEIVED,
        NotificationKind.BOOKING_CONFIRMED,
        NotificationKind.BOOKING_REJECTED,
        NotificationKind.BOOKING_RESCHEDULED,
        NotificationKind.BOOKING_CANCELLED,
        NotificationKind.REMINDER,
        NotificationKind.REVIEW_INVITATION,
        NotificationKind.CLASS_BOOKED,
        NotificationKind.CLASS_WAITLISTED,
        NotificationKind.CLASS_PROMOTED,
        NotificationKind.CLASS_SPOT_OFFERED,
        NotificationKind.CLASS_ENROLLMENT_CANCELLED,
        NotificationKind.CLASS_SESSION_CANCELLED,
        NotificationKind.CLASS_SESSION_CHANGED,
        NotificationKind.CREDITS_EXPIRING,
    }
)


class Notification(models.Model):
    """One message to one person, written in the same transaction as the change it tells about
    (so a change is never committed without its message, nor a message sent for a change that
    rolled back), then delivered by a task after commit and, when that task is lost, by the
    sweeper. `dedupe_key` makes queueing idempotent: the same event or reminder is one row."""

    channel = models.CharField(
        max_length=10, choices=NotificationChannel.choices, default=NotificationChannel.EMAIL
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=150, blank=True)
    # The zone times are written in, chosen when the row is written.
    recipient_timezone = models.CharField(max_length=64)
    subject = models.CharField(max_length=300)
    # The facts of the event as they were when it happened (times, names, reason), so a later
    # change does not rewrite what an earlier email says.
    context = models.JSONField(default=dict, blank=True)
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # "event:<appointment>:<activity>:<email>" or "reminder:<appointment>:<minutes>:<start>".
    dedupe_key = models.CharField(max_length=320, unique=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Queued: not before this time (null: at once). Sending: when the claim lapses (a worker
    # that died mid-send leaves the row for the sweeper after that).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="notification_log_order"),
            # The sweeper's scan: only rows still waiting to go out.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=Q(status__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_email} ({self.status})"


def default_reminder_offsets() -> list[int]:
    return [24 * 60, 60]


class NotificationSettings(models.Model):
    """One row per studio (pk 1): when reminders go out."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    # Minutes before the start; empty: no reminders.
    reminder_offsets_minutes = ArrayField(
        models.PositiveIntegerField(), default=default_reminder_offsets, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="notification_settings_singleton")
        ]
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Reminders at {self.reminder_offsets_minutes} minutes"
