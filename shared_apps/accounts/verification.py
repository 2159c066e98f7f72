"""Email verification: a signed, expiring link that names the user and the address it was sent to.

No table is needed: the token is a signature over (user id, email). Changing the address makes
older links useless, because the email in the token no longer matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from shared_apps.accounts.models import User
from tenants.urls import platform_url, studio_url

_SALT = "accounts.email-verification"
MAX_AGE_SECONDS = 3 * 24 * 3600


@dataclass(frozen=True)
class VerificationClaim:
    user_id: int
    email: str


class InvalidVerificationTokenError(Exception):
    pass


def verification_token_make(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_SALT, compress=True)


def verification_token_read(*, token: str) -> VerificationClaim:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvalidVerificationTokenError(str(exc)) from exc
    try:
        return VerificationClaim(user_id=int(payload["u"]), email=str(payload["e"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidVerificationTokenError("malformed payload") from exc


def verification_link(*, user: User, studio_slug: str | None = None) -> str:
    """Absolute link to the confirmation page, on the studio's host when the request came from
    one (the person continues where they were), else on the platform's host."""
    path = reverse("accounts:verify_email", kwargs={"token": verification_token_make(user=user)})
    return studio_url(studio_slug, path) if studio_slug else platform_url(path)


def verification_email_deliver(*, user: User, studio_slug: str | None = None) -> None:
    context = {
        "user": user,
        "link": verification_link(user=user, studio_slug=studio_slug),
        "valid_days": MAX_AGE_SECONDS // 86400,
    }
    subject = render_to_string("accounts/email/verify_email_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/verify_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/verify_email.html", context), "text/html"
    )
    message.send()
