"""Signed claim links for waitlist offers: /classes/claim/<token>/.

The token names the enrollment by its reference. Whether the offer still stands is decided by
the enrollment itself (status offered, offer_expires_at in the future), so the signature's own
age limit is only a backstop against very old links.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from tenant_apps.classes.models import Enrollment

CLAIM_SALT = "classes.offer-claim"
CLAIM_MAX_AGE = timedelta(days=14)


def offer_claim_token(enrollment: Enrollment) -> str:
    return signing.dumps({"r": enrollment.reference}, salt=CLAIM_SALT, compress=True)


def offer_claim_path(enrollment: Enrollment) -> str:
    """The public path (no host) where the customer claims the offered spot."""
    return f"/classes/claim/{offer_claim_token(enrollment)}/"


def offer_claim_reference(token: str) -> str:
    """The enrollment reference a claim token names; raises signing.BadSignature (or its
    subclass SignatureExpired) for a forged, damaged or very old token."""
    payload = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    reference = payload.get("r") if isinstance(payload, dict) else None
    if not isinstance(reference, str):
        raise signing.BadSignature("No reference in the token.")
    return reference
