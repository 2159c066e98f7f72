"""Background work of the portal. Tasks take ids and run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenant_apps.portal.emails import sign_in_email_deliver
from tenant_apps.portal.models import SignInLink


@shared_task(name="portal.sign_in_link_send")
def sign_in_link_send(link_id: int) -> bool:
    """Email a sign-in link. Returns False when there is nothing to send any more (the link
    was used, has expired or is gone), so a late retry never mails a dead link."""
    link = SignInLink.objects.select_related("customer").filter(pk=link_id).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return False
    sign_in_email_deliver(link=link)
    return True
