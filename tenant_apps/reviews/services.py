"""Writes for reviews: a customer rates a completed appointment once; the studio may hide or
show a review again (who and when is kept), but never change what the customer wrote."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from shared_apps.accounts.models import User
from shared_apps.core.errors import ValidationFailedError
from tenant_apps.reviews.errors import AlreadyReviewedError, NotReviewableError
from tenant_apps.reviews.models import (
    COMMENT_MAX_LENGTH,
    RATING_MAX,
    RATING_MIN,
    ModerationAction,
    Review,
    ReviewModeration,
)
from tenant_apps.scheduling.models import Appointment, AppointmentStatus

ALREADY_REVIEWED = "You have already reviewed this appointment. Thank you!"


def _problems(rating: object, comment: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if (
        isinstance(rating, bool)
        or not isinstance(rating, int)
        or not RATING_MIN <= rating <= RATING_MAX
    ):
        problems["rating"] = ["Choose a rating from 1 to 5 stars."]
    if len(comment) > COMMENT_MAX_LENGTH:
        problems["comment"] = [f"Keep the comment to {COMMENT_MAX_LENGTH} characters or fewer."]
    return problems


def review_create(*, appointment: Appointment, rating: int, comment: str = "") -> Review:
    """The customer's review of `appointment`. Only a completed appointment can be reviewed,
    and only once (AlreadyReviewedError, also when two submissions race)."""
    comment = comment.strip()
    problems = _problems(rating, comment)
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    try:
        with transaction.atomic():
            # The lock orders a review against a concurrent status change of the booking.
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.status != AppointmentStatus.COMPLETED:
                raise NotReviewableError("Only appointments that have taken place can be reviewed.")
            if Review.objects.filter(appointment=locked).exists():
                raise AlreadyReviewedError(ALREADY_REVIEWED)
            return Review.objects.create(
                appointment=locked,
                customer_id=locked.customer_id,
                staff_id=locked.staff_id,
                service_id=locked.service_id,
                rating=rating,
                comment=comment,
            )
    except IntegrityError as exc:
        # The one-to-one index decided a race between two submissions.
        if Review.objects.filter(appointment_id=appointment.pk).exists():
            raise AlreadyReviewedError(ALREADY_REVIEWED) from exc
        raise


def review_hide(*, review: Review, acting_user: User, now: datetime) -> Review:
    """Take a review off the studio's public pages. hidden_by/hidden_at say who hid it and
    when; every hide and unhide is also logged in ReviewModeration. Hiding a hidden review
    changes nothing."""
    return _visibility_set(review=review, hidden=True, acting_user=acting_user, now=now)


def review_unhide(*, review: Review, acting_user: User, now: datetime) -> Review:
    """Publish a hidden review again (logged like a hide)."""
    return _visibility_set(review=review, hidden=False, acting_user=acting_user, now=now)


def _visibility_set(*, review: Review, hidden: bool, acting_user: User, now: datetime) -> Review:
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.is_hidden == hidden:
            return locked
        locked.is_hidden = hidden
        locked.hidden_by = acting_user if hidden else None
        locked.hidden_at = now if hidden else None
        # Only these three: the rating and the comment are the customer's and never written here.
        locked.save(update_fields=["is_hidden", "hidden_by", "hidden_at"])
        ReviewModeration.objects.create(
            review=locked,
            action=ModerationAction.HIDE if hidden else ModerationAction.UNHIDE,
            actor=acting_user,
            actor_label=acting_user.get_full_name() or acting_user.email,
        )
    return locked
