"""Customers' reviews of completed appointments (tenant schema)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment

RATING_MIN = 1
RATING_MAX = 5
COMMENT_MAX_LENGTH = 2000


class Review(models.Model):
    """One customer's rating of one completed appointment. The customer's words are theirs:
    the studio may hide a review from its public pages (audited), never edit it."""

    # One review per appointment, decided by the database (a double submit can't make two).
    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="review")
    # Copied from the appointment so summaries per staff member or service need no join, and
    # stay right if the appointment is later moved to another person.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reviews")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="reviews")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    is_hidden = models.BooleanField(default=False, db_index=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Public-schema users: no constraint or cascade across schemas (see StaffMember.user).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["staff", "is_hidden"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN) & Q(rating__lte=RATING_MAX),
                name="review_rating_1_to_5",
            ),
            # hidden_by/hidden_at describe the current hide; the history is in ReviewModeration.
            models.CheckConstraint(
                condition=(Q(is_hidden=False) & Q(hidden_at__isnull=True))
                | (Q(is_hidden=True) & Q(hidden_at__isnull=False)),
                name="review_hidden_iff_hidden_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.rating}/5"

    @property
    def customer_display_name(self) -> str:
        """What the public sees of the reviewer: first name and the initial of the last
        ("Anna K."); a one-word name stays as it is."""
        return display_name(self.customer.full_name)


class ModerationAction(models.TextChoices):
    HIDE = "hide", "Hidden"
    UNHIDE = "unhide", "Shown again"


class ReviewModeration(models.Model):
    """Append-only: every hide and unhide of a review, and who did it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.action}"


def display_name(full_name: str) -> str:
    parts = full_name.split()
    if not parts:
        return "A customer"
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0].upper()}."
