"""Writes of the accounts app: signing in, email verification."""

from __future__ import annotations

from django.contrib.auth import authenticate, login
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts import tasks
from shared_apps.accounts.models import User
from shared_apps.accounts.throttling import (
    client_ip,
    login_failure_record,
    login_failures_clear,
    login_throttle_check,
    normalize_email,
)
from shared_apps.accounts.verification import (
    InvalidVerificationTokenError,
    verification_token_read,
)
from shared_apps.core.errors import DomainError, ThrottledError
from tenants.task_context import enqueue_on_commit

VERIFICATION_RESEND_SECONDS = 60


class InvalidCredentialsError(DomainError):
    code = "invalid_credentials"
    status = 400
    title = "Email or password is incorrect"


class InvalidVerificationLinkError(DomainError):
    code = "invalid_verification_link"
    status = 400
    title = "This verification link is invalid or has expired"


def user_login_attempt(*, request: HttpRequest, email: str, password: str) -> User:
    """Sign a person in on the current host.

    The throttle is checked before authenticate(), so a throttled attempt never computes a
    password hash (that is the expensive part an attacker wants us to do). Raises
    LoginThrottledError or InvalidCredentialsError; on success the session is created (with a
    new key) and the account's failure counter is cleared.
    """
    email = normalize_email(email)
    ip = client_ip(request)
    login_throttle_check(email=email, ip=ip)
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        login_failure_record(email=email, ip=ip)
        raise InvalidCredentialsError("Enter a correct email and password.")
    login_failures_clear(email=email)
    login(request, user)
    return user


def user_login_failures_clear(*, user: User) -> None:
    """After a password reset the owner of the address may log in again at once."""
    login_failures_clear(email=user.email)


def email_verification_send(*, user: User, studio_slug: str | None = None) -> None:
    """Email `user` a link that confirms their address, once the current transaction commits.
    Nothing is sent for an address that is already verified. `studio_slug` puts the link on that
    studio's host (where the person is working) instead of the platform's."""
    if user.email_verified_at is not None:
        return
    enqueue_on_commit(
        tasks.email_verification_send, user.pk, studio_slug, schema_name=get_public_schema_name()
    )


def email_verification_resend(*, user: User, studio_slug: str | None = None) -> None:
    """The "resend" button: at most one email a minute per person."""
    if not cache.add(f"platform:verify-resend:{user.pk}", 1, timeout=VERIFICATION_RESEND_SECONDS):
        raise ThrottledError(
            "We have just sent you a link. Please wait a minute before asking for another.",
            retry_after=VERIFICATION_RESEND_SECONDS,
        )
    email_verification_send(user=user, studio_slug=studio_slug)


def email_verification_confirm(*, token: str) -> User:
    """Mark the address in `token` as verified (idempotent). Raises InvalidVerificationLinkError
    for a tampered or expired token, or one for an address the account no longer has."""
    try:
        claim = verification_token_read(token=token)
    except InvalidVerificationTokenError as exc:
        raise InvalidVerificationLinkError() from exc
    user = User.objects.filter(pk=claim.user_id, is_active=True).first()
    if user is None or user.email.lower() != claim.email.lower():
        raise InvalidVerificationLinkError()
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user
