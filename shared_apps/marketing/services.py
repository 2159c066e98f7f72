"""Writes of the sign-up flow: validating and storing a sign-up, then provisioning it.

`signup_create` runs in the request: it validates, stores a StudioSignup and sends the
provisioning task after commit. `signup_provision` runs in the task: it creates the owner and the
studio in one transaction and records the outcome on the sign-up for the progress page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.accounts.services import email_verification_send
from shared_apps.core.errors import DomainError, ThrottledError, ValidationFailedError
from shared_apps.marketing import tasks
from shared_apps.marketing.models import ACTIVE_STATUSES, SignupStatus, StudioSignup
from shared_apps.marketing.selectors import SLUG_TAKEN_MESSAGE, signup_slug_problems
from tenants.db import tenant_connection
from tenants.handoff import handoff_url
from tenants.provisioning import (
    SlugTakenError,
    StudioDetails,
    studio_details_problems,
    tenant_provision,
)
from tenants.task_context import enqueue_in_schema, enqueue_on_commit
from tenants.urls import studio_host, studio_url

logger = logging.getLogger(__name__)

THROTTLE_WINDOW_SECONDS = 60 * 60
# After this long, the progress page no longer signs its owner in; they log in normally.
HANDOFF_WINDOW = timedelta(hours=1)
_STUDIO_FIELDS = {"name": "studio_name", "plan": "plan_code"}
EMAIL_TAKEN_MESSAGE = (
    "An account with this email already exists. Log in first, then add your studio."
)


@dataclass(frozen=True)
class SignupRequest:
    """What the visitor typed. The owner fields are ignored when a signed-in person signs up."""

    studio_name: str
    slug: str
    timezone: str
    currency: str
    plan_code: str = ""
    full_name: str = ""
    email: str = ""
    password: str = ""


class OwnerEmailTakenError(DomainError):
    code = "owner_email_taken"
    status = 409
    title = "An account with this email already exists"


def signup_problems(*, data: SignupRequest, owner: User | None) -> dict[str, list[str]]:
    """Field errors (keyed by sign-up form field) for a sign-up about to be stored."""
    details = StudioDetails(
        slug=data.slug,
        name=data.studio_name,
        timezone=data.timezone,
        currency=data.currency,
        plan_code=data.plan_code or None,
    )
    errors: dict[str, list[str]] = {}
    for field, messages in studio_details_problems(details).items():
        errors[_STUDIO_FIELDS.get(field, field)] = messages
    if slug_errors := signup_slug_problems(data.slug):
        errors["slug"] = slug_errors
    if owner is None:
        errors.update(_owner_problems(data))
    return errors


def _owner_problems(data: SignupRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.full_name.strip():
        errors["full_name"] = ["Enter your name."]
    elif len(data.full_name) > 150:
        errors["full_name"] = ["Use at most 150 characters."]
    email = data.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    else:
        if User.objects.filter(email__iexact=email).exists():
            errors["email"] = [EMAIL_TAKEN_MESSAGE]
        elif StudioSignup.objects.filter(
            owner_email=email, owner__isnull=True, status__in=ACTIVE_STATUSES
        ).exists():
            errors["email"] = ["A studio is being created for this email right now."]
    try:
        # The would-be user, so the similarity check can compare with the email address.
        validate_password(data.password, user=User(email=email, full_name=data.full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


def _throttle_key(ip_address: str) -> str:
    return f"platform:signup-throttle:{ip_address}"


def _throttle_check(ip_address: str | None) -> None:
    if ip_address and cache.get(_throttle_key(ip_address), 0) >= settings.SIGNUP_THROTTLE_PER_IP:
        raise ThrottledError(
            "Too many studios were created from your network in the last hour. "
            "Please try again later.",
            retry_after=THROTTLE_WINDOW_SECONDS,
        )


def _throttle_count(ip_address: str | None) -> None:
    if not ip_address:
        return
    key = _throttle_key(ip_address)
    # The window starts with the first sign-up and is not extended by later ones.
    cache.add(key, 0, timeout=THROTTLE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=THROTTLE_WINDOW_SECONDS)


def signup_create(
    *, data: SignupRequest, owner: User | None, ip_address: str | None
) -> StudioSignup:
    """Store a sign-up and provision it in the background. Raises ThrottledError when this
    address has created too many studios lately, ValidationFailedError for bad input (also when
    another visitor grabbed the subdomain a moment ago)."""
    _throttle_check(ip_address)
    if errors := signup_problems(data=data, owner=owner):
        raise ValidationFailedError(errors=errors)
    try:
        with transaction.atomic():
            signup = StudioSignup.objects.create(
                studio_name=data.studio_name.strip(),
                slug=data.slug,
                timezone=data.timezone,
                currency=data.currency,
                plan_code=data.plan_code,
                owner=owner,
                owner_email=owner.email if owner else data.email.strip().lower(),
                owner_full_name=owner.full_name if owner else data.full_name.strip(),
                owner_password_hash="" if owner else make_password(data.password),
                ip_address=ip_address,
            )
            enqueue_on_commit(tasks.signup_provision, signup.pk, schema_name="public")
    except IntegrityError as exc:  # the partial unique index on active sign-ups' slugs
        raise ValidationFailedError(errors={"slug": [SLUG_TAKEN_MESSAGE]}) from exc
    _throttle_count(ip_address)
    logger.info("studio sign-up stored", extra={"signup": signup.pk, "slug": signup.slug})
    return signup


def _failure_message(reason: str, *, retry: str = "please try again") -> str:
    return f"We could not create your studio: {reason}. Nothing was saved; {retry}."


def _owner_create(signup: StudioSignup) -> User:
    if User.objects.filter(email__iexact=signup.owner_email).exists():
        # Never attach a studio (and a sign-in link) to an account that this visitor did not
        # prove they own.
        raise OwnerEmailTakenError()
    user = User(email=signup.owner_email, full_name=signup.owner_full_name)
    user.password = signup.owner_password_hash
    user.save()
    return user


def signup_provision(*, signup_id: int) -> StudioSignup:
    """Create the owner (unless they were signed in) and the studio, in one transaction.

    Idempotent: only a pending sign-up is claimed, so a redelivered task does nothing. Any failure
    rolls everything back (PostgreSQL DDL is transactional: no user, tenant, domain or schema
    remains) and leaves a message for the visitor on the sign-up.
    """
    tenant_connection().set_schema_to_public()
    claimed = StudioSignup.objects.filter(pk=signup_id, status=SignupStatus.PENDING).update(
        status=SignupStatus.RUNNING, updated_at=timezone.now()
    )
    signup = StudioSignup.objects.get(pk=signup_id)
    if not claimed:
        return signup
    host = studio_host(signup.slug)
    try:
        with transaction.atomic():
            owner = signup.owner or _owner_create(signup)
            tenant = tenant_provision(
                details=StudioDetails(
                    slug=signup.slug,
                    name=signup.studio_name,
                    timezone=signup.timezone,
                    currency=signup.currency,
                    plan_code=signup.plan_code or None,
                ),
                owner=owner,
            )
            if signup.owner_id is None:
                # Sent after commit, and never for a studio that was rolled back.
                email_verification_send(user=owner, studio_slug=tenant.slug)
            StudioSignup.objects.filter(pk=signup.pk).update(
                status=SignupStatus.DONE,
                tenant=tenant,
                owner=owner,
                owner_password_hash="",
                error_message="",
                updated_at=timezone.now(),
            )
    except SlugTakenError:
        message = _failure_message(
            f"the subdomain {host} was just taken by someone else",
            retry="please choose another subdomain",
        )
    except OwnerEmailTakenError:
        message = _failure_message(
            f"an account with {signup.owner_email} was created in the meantime",
            retry="please log in and add your studio from there",
        )
    except ValidationFailedError as exc:
        details = "; ".join(m for messages in exc.errors.values() for m in messages).rstrip(".")
        message = _failure_message(
            details[:1].lower() + details[1:] if details else "some details were invalid"
        )
    # The task's top-level boundary: whatever went wrong, the visitor gets an answer instead of
    # a progress page that never finishes. The full error goes to the log.
    except Exception:
        logger.exception("studio provisioning failed", extra={"signup": signup.pk})
        message = _failure_message("something went wrong on our side (we have been notified)")
    else:
        signup.refresh_from_db()
        logger.info("studio sign-up provisioned", extra={"signup": signup.pk, "slug": signup.slug})
        return signup
    tenant_connection().set_schema_to_public()
    StudioSignup.objects.filter(pk=signup.pk).update(
        status=SignupStatus.FAILED,
        error_message=message[:500],
        owner_password_hash="",
        updated_at=timezone.now(),
    )
    signup.refresh_from_db()
    return signup


# Provisioning takes a second or two; a sign-up untouched for this long has lost its worker (the
# worker's transaction rolled back with it) or its task (the broker was down when it was sent).
STALE_AFTER = timedelta(minutes=10)


def signup_sweep(*, now: datetime) -> tuple[int, int]:
    """Unstick sign-ups: a stale RUNNING one failed (nothing of it was committed: provisioning is
    one transaction) and is told so; a stale PENDING one never reached a worker and is sent again
    (claiming is idempotent). Returns (failed, resent)."""
    cutoff = now - STALE_AFTER
    failed = StudioSignup.objects.filter(status=SignupStatus.RUNNING, updated_at__lt=cutoff).update(
        status=SignupStatus.FAILED,
        error_message=_failure_message("setting up took too long and was stopped"),
        owner_password_hash="",
        updated_at=now,
    )
    stale = list(
        StudioSignup.objects.filter(status=SignupStatus.PENDING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for signup_id in stale:
        enqueue_in_schema(tasks.signup_provision, signup_id, schema_name="public")
    if failed or stale:
        logger.warning("stale sign-ups swept", extra={"failed": failed, "resent": len(stale)})
    return failed, len(stale)


def signup_handoff_url(*, signup: StudioSignup, session_tokens: list[str]) -> str | None:
    """Where the browser goes once the studio is ready: a one-minute sign-in link to its owner app
    for the browser that submitted the sign-up (recently), otherwise None."""
    if (
        signup.status != SignupStatus.DONE
        or signup.tenant is None
        or signup.owner_id is None
        or signup.token not in session_tokens
        or timezone.now() - signup.updated_at > HANDOFF_WINDOW
    ):
        return None
    return handoff_url(
        user_id=signup.owner_id,
        slug=signup.tenant.slug,
        schema_name=signup.tenant.schema_name,
        next_path="/app/",
    )


def signup_login_url(*, signup: StudioSignup) -> str:
    """The studio's login page: for a ready studio opened from another browser."""
    return studio_url(signup.slug, "/accounts/login/?next=/app/")
