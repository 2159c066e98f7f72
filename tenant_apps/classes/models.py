"""Group classes: types, sessions and weekly series, enrollments and waitlists, the studio's
waitlist rules (tenant schema).

Seats: `ClassSession.taken` counts the spots held by enrollments that hold a seat (booked,
offered, attended, no-show). It only ever moves through one guarded statement
(`UPDATE ... SET taken = taken + n WHERE id = ... AND taken + n <= capacity`), and the check
constraint below is the database's last word: no concurrency can overbook a class.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from tenant_apps.catalog.models import COLOR_VALIDATOR, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.resources.models import Resource


class ClassLevel(models.TextChoices):
    ALL = "all", "All levels"
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class ClassType(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField(default=55)
    capacity = models.PositiveIntegerField(default=12)
    default_instructor = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The room the whole session holds, and equipment held per seat (a reformer class: the
    # studio room, and one reformer per seat of its capacity).
    room = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    equipment = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    equipment_per_attendee = models.PositiveIntegerField(default=0)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    # Credits one spot costs when paid from a package (0: not payable in credits).
    credits = models.PositiveIntegerField(default=1)
    level = models.CharField(max_length=12, choices=ClassLevel.choices, default=ClassLevel.ALL)
    color = models.CharField(max_length=7, default="#2f9e8f", validators=[COLOR_VALIDATOR])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="class_type_duration_min"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="class_type_capacity_min"),
        ]

    def __str__(self) -> str:
        return self.name


class ClassSeries(models.Model):
    """A weekly repetition of one class type: until a date or for a count of sessions. Its
    sessions point back at it, so "this and following" edits know their siblings."""

    class_type = models.ForeignKey(ClassType, on_delete=models.PROTECT, related_name="series")
    instructor = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    first_start = models.DateTimeField()
    repeat_until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_until__isnull=False) | Q(count__isnull=False),
                name="class_series_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.class_type_id} weekly from {self.first_start:%Y-%m-%d %H:%M}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class ClassSession(models.Model):
    class_type = models.ForeignKey(ClassType, on_delete=models.PROTECT, related_name="sessions")
    series = models.ForeignKey(
        ClassSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    instructor = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="class_sessions"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    credits = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["start"], name="class_session_start"),
            models.Index(fields=["instructor", "start"], name="class_session_instructor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="class_session_start_before_end"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="class_session_capacity"),
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="class_session_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.class_type_id} {self.start:%Y-%m-%d %H:%M}"

    @property
    def spots_left(self) -> int:
        return max(self.capacity - self.taken, 0)


class EnrollmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITLISTED = "waitlisted", "On the waitlist"
    # A seat held for the first in line until offer_expires_at (studios in "offer" mode).
    OFFERED = "offered", "Spot offered"
    OFFER_EXPIRED = "offer_expired", "Offer expired"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"


# Statuses whose spots count in ClassSession.taken.
SEAT_STATUSES = (
    EnrollmentStatus.BOOKED,
    EnrollmentStatus.OFFERED,
    EnrollmentStatus.ATTENDED,
    EnrollmentStatus.NO_SHOW,
)
# Statuses that keep a customer "in" a session (one such enrollment per customer and session).
ACTIVE_ENROLLMENT_STATUSES = (*SEAT_STATUSES, EnrollmentStatus.WAITLISTED)


class EnrollmentPayment(models.TextChoices):
    CREDITS = "credits", "Package credits"
    AT_STUDIO = "at_studio", "Pay at the studio"
    COMPLIMENTARY = "complimentary", "Complimentary"
    # Reserved for the payments capability: paid by card when booking.
    ONLINE = "online", "Paid online"


class EnrollmentSource(models.TextChoices):
    OWNER_APP = "owner_app", "Owner app"
    PUBLIC_PAGE = "public_page", "Public schedule"
    API = "api", "API"
    WALK_IN = "walk_in", "Walk-in"


class Enrollment(models.Model):
    reference = models.CharField(max_length=8, unique=True)
    session = models.ForeignKey(ClassSession, on_delete=models.PROTECT, related_name="enrollments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="enrollments")
    spots = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=14, choices=EnrollmentStatus.choices)
    # The waitlist's order: position = rank among the session's waitlisted rows by
    # (waitlisted_at, id). Kept after promotion, for the record.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    payment = models.CharField(
        max_length=14, choices=EnrollmentPayment.choices, default=EnrollmentPayment.AT_STUDIO
    )
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    source = models.CharField(max_length=12, choices=EnrollmentSource.choices)
    customer_note = models.TextField(blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    # Cancelled inside the late-cancel window (the credit may have been forfeited).
    late_cancel = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["session", "status", "waitlisted_at"], name="enrollment_queue"),
            models.Index(fields=["customer", "status"], name="enrollment_customer"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(spots__gte=1), name="enrollment_spots_positive"),
            models.UniqueConstraint(
                fields=["session", "customer"],
                condition=Q(status__in=[s.value for s in ACTIVE_ENROLLMENT_STATUSES]),
                name="enrollment_one_active_per_customer",
            ),
            models.CheckConstraint(
                condition=~Q(status=EnrollmentStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
                name="enrollment_waitlisted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class WaitlistMode(models.TextChoices):
    AUTOMATIC = "automatic", "Enroll the first in line automatically"
    OFFER = "offer", "Offer the spot to the first in line, who claims it"


class ClassSettings(models.Model):
    """One row per studio (pk 1): how waitlists and late cancellations work."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    waitlist_mode = models.CharField(
        max_length=10, choices=WaitlistMode.choices, default=WaitlistMode.AUTOMATIC
    )
    # Offer mode: how long the first in line has to claim the spot.
    claim_window_minutes = models.PositiveIntegerField(default=120)
    # No promotions (of either kind) this close to the start.
    close_window_hours = models.PositiveIntegerField(default=2)
    # Cancelling this close to the start is late.
    late_cancel_hours = models.PositiveIntegerField(default=12)
    # A late cancellation keeps the credit (the studio's rule); otherwise it returns.
    late_cancel_forfeits_credit = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="class_settings_singleton"),
            models.CheckConstraint(
                condition=Q(claim_window_minutes__gte=5), name="class_settings_claim_window_min"
            ),
        ]
        verbose_name_plural = "class settings"

    def __str__(self) -> str:
        return f"Waitlist: {self.waitlist_mode}"
