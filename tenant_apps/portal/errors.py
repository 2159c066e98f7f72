"""Portal errors with stable codes (mapped to HTTP by shared_apps.core.problems)."""

from __future__ import annotations

from shared_apps.core.errors import ConflictError, ThrottledError


class PolicyWindowClosedError(ConflictError):
    """Too close to the start (or the booking's state) for the customer to change it online;
    `detail` explains the studio's policy."""

    code = "policy_window_closed"
    title = "This booking can't be changed online any more"


class InvalidSignInLinkError(Exception):
    """A sign-in or booking link that is forged, damaged, expired or already used. The page
    says the same for all of them."""


class SignInThrottledError(ThrottledError):
    code = "portal_sign_in_throttled"
    title = "Too many sign-in links"
