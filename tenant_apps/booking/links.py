"""The confirmation page's address: a signed token naming the booking.

The page shows a booking's details (and the customer's email in its calendar link), so its address
must not be guessable from the reference alone. The token is signed with its own salt, so it opens
the confirmation page and nothing else (the portal has its own links).
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

LINK_SALT = "booking.confirmation"
# Long enough to come back to the page (to add the booking to a calendar) until the day itself.
LINK_MAX_AGE = timedelta(days=120)


def confirmation_token(reference: str) -> str:
    return signing.dumps({"r": reference}, salt=LINK_SALT, compress=True)


def confirmation_reference(token: str) -> str | None:
    """The reference a token names; None for a forged, damaged or expired token."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    reference = payload.get("r") if isinstance(payload, dict) else None
    return reference if isinstance(reference, str) else None
