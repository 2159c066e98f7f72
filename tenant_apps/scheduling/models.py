"""Availability and appointments (tenant schema)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer


class WeeklyHours(models.Model):
    """One working interval on a weekday, in the staff member's wall-clock time.
    Minutes since midnight; end_minute 1440 means "until midnight"."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField()  # Monday = 0
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["staff_id", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday_0_6"),
            models.CheckConstraint(
                condition=Q(start_minute__lt=F("end_minute")) & Q(end_minute__lte=1440),
                name="weekly_hours_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} day {self.weekday} {self.start_minute}-{self.end_minute}"


class DateOverride(models.Model):
    """Other hours on one date (several rows: several intervals), or closed (no minutes)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="date_overrides")
    date = models.DateField()
    start_minute = models.PositiveSmallIntegerField(null=True, blank=True)
    end_minute = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["staff_id", "date", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_minute__isnull=True) & Q(end_minute__isnull=True))
                | (Q(start_minute__lt=F("end_minute")) & Q(end_minute__lte=1440)),
                name="date_override_closed_or_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.date} {self.start_minute}-{self.end_minute}"

    @property
    def is_closed(self) -> bool:
        return self.start_minute is None


class TimeOff(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="time_off_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} off {self.start:%Y-%m-%d %H:%M}-{self.end:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


# Statuses that hold the staff member's time (the exclusion constraint's condition).
ACTIVE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


class AppointmentSource(models.TextChoices):
    OWNER_APP = "owner_app", "Owner app"
    PUBLIC_PAGE = "public_page", "Public booking page"
    API = "api", "API"


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class Appointment(models.Model):
    reference = models.CharField(max_length=8, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="appointments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    buffer_before = models.DurationField()
    buffer_after = models.DurationField()
    # start - buffer_before and end + buffer_after, kept as columns because PostgreSQL only
    # indexes immutable expressions (timestamptz +/- interval is not). Set by the services.
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices, db_index=True)
    source = models.CharField(max_length=12, choices=AppointmentSource.choices)
    answers = models.JSONField(default=dict, blank=True)
    customer_note = models.TextField(blank=True)
    owner_notes = models.TextField(blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Public-schema users: no constraint or cascade across schemas (see StaffMember.user).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["staff", "start"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="appointment_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start")) & Q(blocked_end__gte=F("end")),
                name="appointment_blocked_covers_appointment",
            ),
            # No double booking, enforced by PostgreSQL: two active appointments of one staff
            # member may not overlap once both are widened by their buffers.
            ExclusionConstraint(
                name="appointment_no_overlap",
                expressions=[
                    (
                        TsTzRange("blocked_start", "blocked_end"),
                        RangeOperators.OVERLAPS,
                    ),
                    ("staff", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class AppointmentActivity(models.Model):
    """Append-only: every change to an appointment, who made it, before and after."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Public-schema users: no constraint or cascade across schemas (see StaffMember.user).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=40)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.action}"


class IdempotencyRecord(models.Model):
    """The first answer to a request made with an Idempotency-Key, replayed for repeats."""

    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
