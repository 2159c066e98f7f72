"""The portal's one email: the sign-in link, in the studio's name (HTML and plain text)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from tenant_apps.portal.links import SIGN_IN_MAX_AGE, sign_in_link_path
from tenant_apps.portal.models import SignInLink
from tenants.db import current_schema
from tenants.models import Tenant
from tenants.urls import studio_url


def sign_in_email_deliver(*, link: SignInLink) -> None:
    studio = Tenant.objects.get(schema_name=current_schema())
    path = sign_in_link_path(link.nonce)
    context = {
        "studio": studio,
        "customer": link.customer,
        # The studio's own subdomain: valid whichever host the request came from.
        "link": studio_url(studio.slug, path),
        "valid_minutes": int(SIGN_IN_MAX_AGE.total_seconds() // 60),
    }
    subject = render_to_string("portal/email/sign_in_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("portal/email/sign_in.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[link.customer.email],
        reply_to=[studio.contact_email] if studio.contact_email else None,
    )
    message.attach_alternative(render_to_string("portal/email/sign_in.html", context), "text/html")
    message.send()
