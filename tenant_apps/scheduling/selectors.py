"""Reads for appointments and for the public booking API.

The public selectors only ever return what a customer may see: active services, bookable staff,
free times, and a booking looked up by its reference together with its customer's email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.availability import slots_for_service
from tenant_apps.scheduling.models import Appointment, AppointmentActivity, AppointmentStatus

# The longest range one request may ask for (calendar lists and slot searches).
MAX_RANGE_DAYS = 92


def appointment_list(*, start: datetime, end: datetime) -> QuerySet[Appointment]:
    """Appointments overlapping [start, end), every status. The list reads plain columns from
    it (tenant_apps.scheduling.list_json, or .values() in appointment_list_json), never model
    instances: a calendar week is hundreds of rows."""
    return Appointment.objects.filter(start__lt=end, end__gt=start)


class AppointmentFilter(django_filters.FilterSet):
    """Filters of the appointment list (unknown ids are a 4xx with field errors)."""

    staff = django_filters.ModelChoiceFilter(
        queryset=StaffMember.objects.all(), help_text="Only this staff member's (id)."
    )
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.all(), help_text="Only this service (id)."
    )
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), help_text="Only this customer's (id): their history."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=AppointmentStatus.choices, help_text="Only these statuses (repeat to give more)."
    )

    class Meta:
        model = Appointment
        fields = ["staff", "service", "customer", "status"]


def appointment_get(*, appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("service", "staff", "customer")
        .filter(pk=appointment_id)
        .first()
    )


def appointment_activity_list(*, appointment: Appointment) -> QuerySet[AppointmentActivity]:
    return AppointmentActivity.objects.filter(appointment=appointment).order_by("created_at", "id")


def appointment_get_for_customer(*, reference: str, email: str) -> Appointment | None:
    """A booking by its reference, only when `email` is its customer's (case-insensitive):
    knowing a reference alone reveals nothing."""
    reference = reference.strip().upper()
    email = email.strip()
    if not reference or not email:
        return None
    return (
        Appointment.objects.select_related("service", "staff", "customer")
        .filter(reference=reference, customer__email__iexact=email)
        .first()
    )


def booking_page_get(*, slug: str) -> BookingPage | None:
    """An active booking page with its offer (services and staff) prefetched."""
    return (
        BookingPage.objects.filter(slug=slug, is_active=True)
        .prefetch_related("services", "staff")
        .first()
    )


def _page_service_ids(page: BookingPage | None) -> list[int]:
    return [s.pk for s in page.services.all()] if page is not None else []


def _page_staff_ids(page: BookingPage | None) -> list[int]:
    return [s.pk for s in page.staff.all()] if page is not None else []


def public_service_list(*, page: BookingPage | None = None) -> QuerySet[Service]:
    """Active services that someone bookable performs (on `page`, when given: an empty
    selection on a page means everything)."""
    performers = StaffMember.objects.filter(services=OuterRef("pk"), is_bookable=True)
    staff_ids = _page_staff_ids(page)
    if staff_ids:
        performers = performers.filter(pk__in=staff_ids)
    services = Service.objects.filter(is_active=True).filter(Exists(performers))
    service_ids = _page_service_ids(page)
    if service_ids:
        services = services.filter(pk__in=service_ids)
    return services


def public_staff_list(
    *, service: Service | None = None, page: BookingPage | None = None
) -> QuerySet[StaffMember]:
    """Bookable staff (who perform `service`, and are offered on `page`, when given)."""
    staff = StaffMember.objects.filter(is_bookable=True)
    if service is not None:
        staff = staff.filter(services=service)
    else:
        staff = staff.filter(Exists(Service.objects.filter(staff=OuterRef("pk"), is_active=True)))
    staff_ids = _page_staff_ids(page)
    if staff_ids:
        staff = staff.filter(pk__in=staff_ids)
    return staff


@dataclass(frozen=True)
class PublicSlotStaff:
    id: int
    name: str


@dataclass(frozen=True)
class PublicSlot:
    start: datetime  # UTC
    end: datetime  # UTC
    start_local: datetime  # in the zone the customer asked for
    staff: tuple[PublicSlotStaff, ...]


def local_day_range(*, first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From midnight starting `first` to midnight ending `last`, in `zone` (DST-safe: each
    midnight is resolved on its own date)."""
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return start, end


def public_slot_list(
    *,
    service: Service,
    staff: StaffMember | None,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    studio_timezone: str,
    now: datetime,
    page: BookingPage | None = None,
    exclude_appointment_id: int | None = None,
) -> list[PublicSlot]:
    """Bookable start times of `service` in [start, end), with `staff` or with anyone bookable
    who performs it (each slot says who is free). A constant number of queries: the staff
    list, then the engine's inputs for all of them at once. A booking being moved passes its
    id as `exclude_appointment_id`, so its own time does not block the new one."""
    if staff is not None:
        members = [staff]
    else:
        members = list(public_staff_list(service=service, page=page).order_by("display_name", "pk"))
    names = {m.pk: m.display_name for m in members}
    duration = timedelta(minutes=service.duration_minutes)
    # Thousands of slots share a handful of "who is free" combinations: build each once.
    people: dict[tuple[int, ...], tuple[PublicSlotStaff, ...]] = {}

    def who(ids: tuple[int, ...]) -> tuple[PublicSlotStaff, ...]:
        found = people.get(ids)
        if found is None:
            found = people[ids] = tuple(PublicSlotStaff(id=i, name=names[i]) for i in ids)
        return found

    return [
        PublicSlot(
            start=slot.start,
            end=slot.start + duration,
            start_local=slot.start.astimezone(zone),
            staff=who(slot.staff_ids),
        )
        for slot in slots_for_service(
            service=service,
            staff=members,
            studio_timezone=studio_timezone,
            start=start,
            end=end,
            now=now,
            exclude_appointment_id=exclude_appointment_id,
        )
    ]


def appointment_revision(*, appointment: Appointment) -> int:
    """How many times the booking's time or status changed (an .ics file's SEQUENCE)."""
    return (
        AppointmentActivity.objects.filter(appointment=appointment)
        .exclude(action__in=["created", "notes"])
        .count()
    )


def zone_or_utc(name: str) -> ZoneInfo:
    """The studio's zone (UTC if the stored name is somehow unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
