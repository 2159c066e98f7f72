"""An appointment as an iCalendar (.ics) file, built with the icalendar package.

The UID is "<reference>@<studio host>": stable for the life of the booking, so importing the file
again after a reschedule updates the event instead of adding a second one (SEQUENCE counts the
changes). Times are written in the staff member's timezone (else the studio's) with a VTIMEZONE,
so calendar apps show the wall-clock time the studio means, on either side of a DST change.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenants.models import Tenant

PRODID = "-//StudioBook//Appointments//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"

ICS_STATUS = {
    AppointmentStatus.PENDING: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
    AppointmentStatus.REJECTED: "CANCELLED",
}

Audience = Literal["studio", "customer"]


def appointment_ics_uid(*, reference: str, host: str) -> str:
    return f"{reference}@{host}"


def appointment_zone(appointment: Appointment, studio: Tenant) -> ZoneInfo:
    for name in (appointment.staff.timezone, studio.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _description(appointment: Appointment, audience: Audience) -> str:
    lines = [f"Booking reference: {appointment.reference}"]
    if audience == "studio":
        customer = appointment.customer
        lines.append(f"Customer: {customer.full_name} <{customer.email}>")
        if customer.phone:
            lines.append(f"Phone: {customer.phone}")
    if appointment.customer_note:
        lines.append(f"Note: {appointment.customer_note}")
    if appointment.status_reason and appointment.status in (
        AppointmentStatus.CANCELLED,
        AppointmentStatus.REJECTED,
    ):
        lines.append(f"{appointment.get_status_display()}: {appointment.status_reason}")
    return "\n".join(lines)


def appointment_ics(
    *,
    appointment: Appointment,
    studio: Tenant,
    host: str,
    sequence: int = 0,
    audience: Audience = "studio",
) -> bytes:
    """The .ics file of one appointment, for the studio's calendar or the customer's."""
    zone = appointment_zone(appointment, studio)
    start = appointment.start.astimezone(zone)
    end = appointment.end.astimezone(zone)
    service, staff = appointment.service, appointment.staff

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = Event()
    event.add("uid", appointment_ics_uid(reference=appointment.reference, host=host))
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("created", appointment.created_at.astimezone(UTC))
    event.add("last-modified", appointment.updated_at.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    if audience == "studio":
        summary = f"{service.name}: {appointment.customer.full_name} with {staff.display_name}"
    else:
        summary = f"{service.name} with {staff.display_name} at {studio.name}"
    event.add("summary", summary)
    event.add("location", studio.address or studio.name)
    event.add("description", _description(appointment, audience))
    event.add("status", ICS_STATUS.get(AppointmentStatus(appointment.status), "CONFIRMED"))
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    if zone.key != "UTC":
        # Only the transitions around this booking: a small file that is still exact.
        calendar.add_missing_timezones(
            first_date=(start - timedelta(days=366)).date(),
            last_date=(end + timedelta(days=366)).date(),
        )
    return bytes(calendar.to_ical())


def ics_filename(appointment: Appointment) -> str:
    return f"appointment-{appointment.reference}.ics"
