"""Demo reviews: the demo studio's completed appointments get a repeatable mix of ratings, so
the owner's review list and the studio home page have something to show."""

from __future__ import annotations

import random

from tenant_apps.reviews.models import Review
from tenant_apps.reviews.services import review_create
from tenant_apps.scheduling.models import Appointment, AppointmentStatus

COMMENTS = (
    "",
    "Lovely session, I left feeling brand new.",
    "Really attentive and explained every exercise.",
    "Great class, a bit warm in the studio.",
    "Friendly team and easy booking.",
    "",
    "My back feels so much better. Thank you!",
)


def reviews_demo_seed() -> int:
    """Review about two thirds of the completed appointments (idempotent: reviewed ones are
    skipped). Returns how many reviews were added."""
    rng = random.Random(4)  # noqa: S311 - repeatable demo data, not security
    reviewed = set(Review.objects.values_list("appointment_id", flat=True))
    added = 0
    for appointment in Appointment.objects.filter(status=AppointmentStatus.COMPLETED).order_by(
        "start", "id"
    ):
        # Draw the same numbers for every appointment, reviewed or not, so a second run makes
        # the same choices for the rest as the first did.
        roll = rng.random()
        rating = rng.choices((5, 4, 3, 2), weights=(6, 3, 1, 0.3))[0]
        comment = rng.choice(COMMENTS)
        if appointment.pk in reviewed or roll > 0.66:
            continue
        review_create(appointment=appointment, rating=rating, comment=comment)
        added += 1
    return added
