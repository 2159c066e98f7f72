"""What an outbox row looks like as an email: subject, HTML and plain text, the .ics file.

Times are written in the recipient's zone from the facts stored on the row (the event as it
happened); links are absolute on the studio's primary domain, so they work from any mail client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, parseaddr
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from tenant_apps.notifications.models import CUSTOMER_KINDS, Notification, NotificationKind
from tenant_apps.portal.links import booking_link_path
from tenant_apps.reviews.links import review_link_path
from tenant_apps.scheduling.ics import Audience, appointment_ics, ics_filename
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors import appointment_revision
from tenants.models import Tenant
from tenants.urls import studio_host

ICS_MIMETYPE = "text/calendar"

# Emails that carry the booking as an .ics file: the ones that put it in (or take it out of,
# STATUS:CANCELLED under the same UID) someone's calendar.
ICS_KINDS = frozenset(
    {
        NotificationKind.BOOKING_RECEIVED,
        NotificationKind.BOOKING_CONFIRMED,
        NotificationKind.BOOKING_RESCHEDULED,
        NotificationKind.BOOKING_CANCELLED,
        NotificationKind.REMINDER,
        NotificationKind.STUDIO_NEW_BOOKING,
        NotificationKind.STUDIO_BOOKING_RESCHEDULED,
        NotificationKind.STUDIO_BOOKING_CANCELLED,
    }
)


def zone_for(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when_long(value: datetime) -> str:
    """ "Monday 23 November 2026, 10:00 GMT" (the zone's abbreviation says which clock)."""
    return f"{value:%A} {value.day} {value:%B %Y}, {value:%H:%M} {value.tzname()}"


def when_short(value: datetime) -> str:
    """ "Mon 23 Nov, 10:00" for subject lines."""
    return f"{value:%a} {value.day} {value:%b}, {value:%H:%M}"


def local(iso: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(iso).astimezone(zone)


def subject_for(
    *, kind: str, facts: dict[str, Any], zone: ZoneInfo, studio_name: str, offset_minutes: int = 0
) -> str:
    service = facts["service"]
    when = when_short(local(facts["start"], zone))
    customer = facts.get("customer_name", "")
    subjects = {
        NotificationKind.BOOKING_RECEIVED: f"Request received: {service} on {when}",
        NotificationKind.BOOKING_CONFIRMED: f"Booking confirmed: {service} on {when}",
        NotificationKind.BOOKING_REJECTED: f"Request declined: {service} on {when}",
        NotificationKind.BOOKING_RESCHEDULED: f"Booking moved: {service} now on {when}",
        NotificationKind.BOOKING_CANCELLED: f"Booking cancelled: {service} on {when}",
        NotificationKind.REMINDER: f"Reminder: {service} on {when}",
        NotificationKind.REVIEW_INVITATION: f"How was your {service} at {studio_name}?",
        NotificationKind.STUDIO_NEW_BOOKING: f"New booking: {customer}, {service} on {when}",
        NotificationKind.STUDIO_BOOKING_CANCELLED: (
            f"Cancelled by the customer: {customer}, {service} on {when}"
        ),
        NotificationKind.STUDIO_BOOKING_RESCHEDULED: (
            f"Moved by the customer: {customer}, {service} now on {when}"
        ),
    }
    return subjects[NotificationKind(kind)]


@dataclass(frozen=True)
class StudioCard:
    """The studio as its emails show it."""

    name: str
    host: str
    origin: str
    logo_url: str
    address: str
    contact_email: str
    contact_phone: str
    timezone: str

    def absolute(self, path: str) -> str:
        return self.origin + path


def _origin(host: str) -> str:
    # The platform's port (a development server) applies to its own hosts only; a studio's
    # custom domain is served on the standard port by the proxy in front of it.
    platform = settings.PLATFORM_DOMAIN
    on_platform = host == platform or host.endswith(f".{platform}")
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT and on_platform else ""
    return f"{settings.PLATFORM_SCHEME}://{host}{port}"


def studio_card(studio: Tenant) -> StudioCard:
    primary = studio.get_primary_domain()
    host = primary.domain if primary is not None else studio_host(studio.slug)
    origin = _origin(host)
    logo_url = ""
    if studio.logo:
        url = studio.logo.url
        logo_url = url if url.startswith(("http://", "https://")) else origin + url
    return StudioCard(
        name=studio.name,
        host=host,
        origin=origin,
        logo_url=logo_url,
        address=studio.address,
        contact_email=studio.contact_email,
        contact_phone=studio.contact_phone,
        timezone=studio.timezone,
    )


def _template_context(
    notification: Notification, card: StudioCard, appointment: Appointment | None
) -> dict[str, Any]:
    facts = notification.context
    zone = zone_for(notification.recipient_timezone)
    # Appointments and classes have a time; some messages (credits expiring) have none.
    start = local(facts["start"], zone) if facts.get("start") else None
    end = local(facts["end"], zone) if facts.get("end") else None
    previous = local(facts["previous_start"], zone) if facts.get("previous_start") else None
    is_customer = notification.kind in CUSTOMER_KINDS
    portal_url = ""
    review_url = ""
    if appointment is not None and is_customer:
        portal_url = card.absolute(booking_link_path(appointment))
        if notification.kind == NotificationKind.REVIEW_INVITATION:
            review_url = card.absolute(review_link_path(appointment))
    return {
        "studio": card,
        "subject": notification.subject,
        "kind": notification.kind,
        "recipient_name": notification.recipient_name,
        "facts": facts,
        "when": when_long(start) if start is not None else "",
        "ends_at": f"{end:%H:%M}" if end is not None else "",
        "previous_when": when_long(previous) if previous is not None else "",
        "offset_text": offset_text(int(facts.get("offset_minutes", 0))),
        "portal_url": portal_url,
        "review_url": review_url,
        "app_url": card.absolute("/app/"),
        "is_customer": is_customer,
    }


def offset_text(minutes: int) -> str:
    """ "in 24 hours", "in 1 hour", "in 30 minutes": how far ahead a reminder is."""
    if minutes and minutes % (24 * 60) == 0 and minutes > 24 * 60:
        return f"in {minutes // (24 * 60)} days"
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


def _from_address(card: StudioCard) -> str:
    # The platform's sending address (it passes SPF/DKIM), under the studio's name.
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((card.name, address or settings.DEFAULT_FROM_EMAIL))


def email_build(
    *, notification: Notification, studio: Tenant, card: StudioCard | None = None
) -> EmailMultiAlternatives:
    """The email for one outbox row, ready to send."""
    card = card or studio_card(studio)
    appointment = notification.appointment
    context = _template_context(notification, card, appointment)
    template = f"notifications/email/{notification.kind}"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=_from_address(card),
        to=[formataddr((notification.recipient_name, notification.recipient_email))],
        reply_to=[card.contact_email] if card.contact_email else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    if appointment is not None and notification.kind in ICS_KINDS:
        audience: Audience = "customer" if notification.kind in CUSTOMER_KINDS else "studio"
        message.attach(
            ics_filename(appointment),
            appointment_ics(
                appointment=appointment,
                studio=studio,
                host=card.host,
                sequence=appointment_revision(appointment=appointment),
                audience=audience,
            ).decode(),
            ICS_MIMETYPE,
        )
    return message
