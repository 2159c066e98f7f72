"""Signed links that open one booking in the customer portal without a password.

Booking emails carry them (tenant_apps.notifications); the portal's `booking_open` view at
/portal/open/<token>/ checks them. The token names the appointment by its reference and is
valid for LINK_MAX_AGE: long enough to manage a booking made two months ahead.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from tenant_apps.scheduling.models import Appointment

LINK_SALT = "portal.booking-link"
LINK_MAX_AGE = timedelta(days=120)


def booking_link_token(appointment: Appointment) -> str:
    return signing.dumps({"r": appointment.reference}, salt=LINK_SALT, compress=True)


def booking_link_path(appointment: Appointment) -> str:
    """The portal path (no host) that opens `appointment` for its customer."""
    return f"/portal/open/{booking_link_token(appointment)}/"


def booking_link_reference(token: str) -> str:
    """The appointment reference a token names; raises signing.BadSignature (or its subclass
    SignatureExpired) for a forged, damaged or expired token."""
    payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    reference = payload.get("r") if isinstance(payload, dict) else None
    if not isinstance(reference, str):
        raise signing.BadSignature("No reference in the token.")
    return reference


# --- sign-in links (emailed on request; single use, see portal.services) ------------------------

SIGN_IN_SALT = "portal.sign-in"
SIGN_IN_MAX_AGE = timedelta(minutes=15)


def sign_in_link_path(nonce: str) -> str:
    """The portal path that signs in the customer whose SignInLink has `nonce`."""
    token = signing.dumps({"n": nonce}, salt=SIGN_IN_SALT, compress=True)
    return f"/portal/signin/{token}/"


def sign_in_link_nonce(token: str) -> str:
    """The nonce a sign-in token names; raises signing.BadSignature (or SignatureExpired) for a
    forged, damaged or older than 15 minutes token."""
    payload = signing.loads(token, salt=SIGN_IN_SALT, max_age=SIGN_IN_MAX_AGE)
    nonce = payload.get("n") if isinstance(payload, dict) else None
    if not isinstance(nonce, str) or not nonce:
        raise signing.BadSignature("No nonce in the token.")
    return nonce
