"""Background work of the accounts app. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from shared_apps.accounts.models import User
from shared_apps.accounts.verification import verification_email_deliver


@shared_task(name="accounts.email_verification_send")
def email_verification_send(user_id: int, studio_slug: str | None = None) -> bool:
    """Email the verification link. Returns False when there is nothing to send (the user is
    gone, inactive or already verified by the time the task runs)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_verified_at is not None:
        return False
    verification_email_deliver(user=user, studio_slug=studio_slug)
    return True
