"""Writes of the customer portal: sign-in links, cancelling and moving one's own bookings, and
the customer's own profile.

Every function takes the signed-in customer and `now`; bookings reach these functions only
through selectors.access_booking_by_reference, so a customer can only ever change their own.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.customers.models import Customer
from tenant_apps.portal import tasks
from tenant_apps.portal.errors import InvalidSignInLinkError, PolicyWindowClosedError
from tenant_apps.portal.links import SIGN_IN_MAX_AGE, sign_in_link_nonce
from tenant_apps.portal.models import SignInLink
from tenant_apps.portal.policies import PolicyAction
from tenant_apps.portal.selectors import booking_policy
from tenant_apps.portal.throttling import sign_in_request_count
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services import (
    PUBLIC_CHECKS,
    Actor,
    appointment_reschedule,
    appointment_transition,
)
from tenant_apps.studio.services import phone_problems
from tenants.task_context import enqueue_on_commit

PORTAL_VIA = "portal"
CUSTOMER_CANCEL_REASON = "Cancelled by the customer"
REASON_MAX_LENGTH = 500


# --- sign-in links ------------------------------------------------------------------------------


def _sign_in_token_nonce(token: str) -> str:
    try:
        return sign_in_link_nonce(token)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvalidSignInLinkError(str(exc)) from exc


def portal_sign_in_request(*, email: str, address: str, now: datetime) -> None:
    """Email a sign-in link to the customer with this address, if there is one.

    The caller answers the same whatever happens here (except SignInThrottledError), so the
    page never tells whether an address is a customer's. The work is kept alike too: both
    cases count the rate limits and look the address up; a known address adds one insert and
    an enqueue, and the email itself is sent by a worker after commit, so the mail server's
    latency never shows in the response time.
    """
    email = email.strip()
    sign_in_request_count(email=email, address=address)
    customer = Customer.objects.filter(email__iexact=email).only("pk").first()
    if customer is None:
        return
    with transaction.atomic():
        link = SignInLink.objects.create(
            nonce=secrets.token_urlsafe(32),
            customer=customer,
            created_at=now,
            expires_at=now + SIGN_IN_MAX_AGE,
        )
        enqueue_on_commit(tasks.sign_in_link_send, link.pk)


def portal_sign_in_redeem(*, token: str, now: datetime) -> Customer:
    """The customer a sign-in link names, using the link up: it works once, for 15 minutes.
    Raises InvalidSignInLinkError for a forged, expired or used link (all alike)."""
    nonce = _sign_in_token_nonce(token)
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("customer")
            .filter(nonce=nonce)
            .first()
        )
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise InvalidSignInLinkError("Unknown, used or expired link.")
        link.used_at = now
        link.save(update_fields=["used_at"])
    return link.customer


def sign_in_links_purge(*, now: datetime) -> int:
    """Forget links that can no longer be used (expired a day ago or more)."""
    deleted, _ = SignInLink.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return deleted


# --- bookings -----------------------------------------------------------------------------------


def _require_allowed(
    *, appointment: Appointment, action: PolicyAction, now: datetime, studio_phone: str
) -> None:
    decision = booking_policy(
        appointment=appointment, action=action, now=now, studio_phone=studio_phone
    )
    if not decision.allowed:
        raise PolicyWindowClosedError(decision.reason)


def portal_booking_cancel(
    *,
    customer: Customer,
    appointment: Appointment,
    reason: str,
    now: datetime,
    studio_timezone: str,
    studio_phone: str = "",
) -> Appointment:
    """The customer cancels their own booking, inside the service's cancellation window."""
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailedError(
            "Check the fields listed in errors.",
            errors={"reason": [f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."]},
        )
    _require_allowed(
        appointment=appointment, action=PolicyAction.CANCEL, now=now, studio_phone=studio_phone
    )
    return appointment_transition(
        appointment=appointment,
        to_status=AppointmentStatus.CANCELLED,
        actor=Actor.for_customer(customer, via=PORTAL_VIA),
        now=now,
        studio_timezone=studio_timezone,
        reason=reason or CUSTOMER_CANCEL_REASON,
    )


def portal_booking_reschedule(
    *,
    customer: Customer,
    appointment: Appointment,
    start: datetime,
    now: datetime,
    studio_timezone: str,
    studio_phone: str = "",
) -> Appointment:
    """The customer moves their own booking to another free time of the same staff member,
    inside the service's reschedule window, with the same checks as a new online booking
    (notice, horizon, working hours, the time grid). A time taken meanwhile raises
    SlotUnavailableError (409)."""
    _require_allowed(
        appointment=appointment,
        action=PolicyAction.RESCHEDULE,
        now=now,
        studio_phone=studio_phone,
    )
    return appointment_reschedule(
        appointment=appointment,
        start=start,
        staff=None,
        actor=Actor.for_customer(customer, via=PORTAL_VIA),
        now=now,
        studio_timezone=studio_timezone,
        checks=PUBLIC_CHECKS,
    )


# --- profile ------------------------------------------------------------------------------------

NAME_MAX_LENGTH = Customer._meta.get_field("full_name").max_length or 150


def portal_profile_update(
    *,
    customer: Customer,
    full_name: str,
    phone: str,
    reminders_enabled: bool,
    marketing_consent: bool,
) -> Customer:
    """What a customer may change about themselves. The email address is their sign-in, so
    only the studio changes it."""
    values = {
        "full_name": full_name.strip(),
        "phone": phone.strip(),
        "reminders_enabled": reminders_enabled,
        "marketing_consent": marketing_consent,
    }
    problems: dict[str, list[str]] = {}
    if not values["full_name"]:
        problems["full_name"] = ["Enter your name."]
    elif len(str(values["full_name"])) > NAME_MAX_LENGTH:
        problems["full_name"] = [f"Use at most {NAME_MAX_LENGTH} characters."]
    if phone_errors := phone_problems(str(values["phone"])):
        problems["phone"] = phone_errors
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    changed = [name for name, value in values.items() if getattr(customer, name) != value]
    if changed:
        with transaction.atomic():
            locked = Customer.objects.select_for_update().get(pk=customer.pk)
            for name in changed:
                setattr(locked, name, values[name])
            locked.save(update_fields=[*changed, "updated_at"])
        return locked
    return customer
