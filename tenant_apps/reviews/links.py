"""Signed links in review invitations: /reviews/<token>/ lets the customer of one completed
appointment rate it, without an account. The reviews app's `review_form` view checks them."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from tenant_apps.scheduling.models import Appointment

LINK_SALT = "reviews.invitation"
LINK_MAX_AGE = timedelta(days=60)


def review_link_token(appointment: Appointment) -> str:
    return signing.dumps({"r": appointment.reference}, salt=LINK_SALT, compress=True)


def review_link_path(appointment: Appointment) -> str:
    """The path (no host) of the review form for `appointment`."""
    return f"/reviews/{review_link_token(appointment)}/"


def review_link_reference(token: str) -> str:
    """The appointment reference a token names; raises signing.BadSignature when it is forged,
    damaged or expired."""
    payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    reference = payload.get("r") if isinstance(payload, dict) else None
    if not isinstance(reference, str):
        raise signing.BadSignature("No reference in the token.")
    return reference
