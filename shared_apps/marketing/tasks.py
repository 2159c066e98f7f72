"""Background work of the sign-up flow (runs on the public schema)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="marketing.signup_provision", ignore_result=True)
def signup_provision(signup_id: int) -> None:
    # Imported here: the service module sends this task, so a top-level import would be circular.
    from shared_apps.marketing.services import signup_provision as provision

    provision(signup_id=signup_id)


@shared_task(name="marketing.signup_sweep", ignore_result=True)
def signup_sweep() -> None:
    """Beat, every few minutes: fail sign-ups whose worker died, resend ones never delivered."""
    from django.utils import timezone

    from shared_apps.marketing.services import signup_sweep as sweep

    sweep(now=timezone.now())
