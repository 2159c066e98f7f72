"""Reads of reviews: what the studio's pages show (published = not hidden) and the owner's list.

The studio home page uses review_summary_get, staff_review_summaries and review_list_published;
keep their signatures stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet

from tenant_apps.catalog.models import StaffMember
from tenant_apps.reviews.errors import ReviewNotFoundError
from tenant_apps.reviews.models import Review
from tenant_apps.scheduling.models import Appointment

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class ReviewSummary:
    """Published reviews in numbers: the average rating rounded to one place (None when there
    are none) and how many there are."""

    average: Decimal | None
    count: int


def _rounded(value: object) -> Decimal | None:
    if value is None:
        return None
    # Half up, as people round ("4.25" shows as 4.3), not banker's rounding.
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _published() -> QuerySet[Review]:
    return Review.objects.filter(is_hidden=False)


def review_summary_get() -> ReviewSummary:
    totals = _published().aggregate(average=Avg("rating"), count=Count("id"))
    return ReviewSummary(average=_rounded(totals["average"]), count=int(totals["count"]))


def staff_review_summaries() -> dict[int, ReviewSummary]:
    """Per staff member (by id), in one aggregate query. Staff without published reviews are
    absent."""
    rows = (
        _published()
        .order_by()
        .values("staff_id")
        .annotate(average=Avg("rating"), count=Count("id"))
        .values_list("staff_id", "average", "count")
    )
    return {
        staff_id: ReviewSummary(average=_rounded(average), count=int(count))
        for staff_id, average, count in rows
    }


def review_list_published(*, limit: int, staff_id: int | None = None) -> list[Review]:
    """The newest published reviews (of `staff_id`'s appointments, when given), with what a
    card shows loaded."""
    reviews = _published().select_related("customer", "staff", "service")
    if staff_id is not None:
        reviews = reviews.filter(staff_id=staff_id)
    return list(reviews.order_by("-created_at", "-id")[: max(limit, 0)])


def review_list(
    *,
    staff_id: int | None = None,
    rating: int | None = None,
    is_hidden: bool | None = None,
) -> QuerySet[Review]:
    """Every review for the studio's owners and managers, hidden ones included, newest first."""
    reviews = Review.objects.select_related("customer", "staff", "service", "appointment")
    if staff_id is not None:
        reviews = reviews.filter(staff_id=staff_id)
    if rating is not None:
        reviews = reviews.filter(rating=rating)
    if is_hidden is not None:
        reviews = reviews.filter(is_hidden=is_hidden)
    return reviews.order_by("-created_at", "-id")


def review_get(*, review_id: int) -> Review:
    """The access function for reviews on the owner side (every manager sees all of the
    studio's); an unknown id raises ReviewNotFoundError."""
    review = Review.objects.select_related("customer", "staff", "service").filter(pk=review_id)
    found = review.first()
    if found is None:
        raise ReviewNotFoundError("No such review in this studio.")
    return found


def review_get_for_appointment(*, appointment: Appointment) -> Review | None:
    return Review.objects.filter(appointment=appointment).first()


def reviewed_appointment_ids(*, appointment_ids: list[int]) -> set[int]:
    """Which of these appointments already have a review (one query, for lists)."""
    return set(
        Review.objects.filter(appointment_id__in=appointment_ids).values_list(
            "appointment_id", flat=True
        )
    )


def review_staff_options() -> list[tuple[int, str]]:
    """Staff members who have reviews (for the list's filter)."""
    return list(
        StaffMember.objects.filter(reviews__isnull=False)
        .distinct()
        .order_by("display_name", "id")
        .values_list("id", "display_name")
    )
