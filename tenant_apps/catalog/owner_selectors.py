"""Reads for the owner app's catalog screens: searchable, paginated lists with what each row
shows (who performs a service, whether it was ever booked) in a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.scheduling.models import Appointment, DateOverride, TimeOff

PAGE_SIZE = 25


def _page(rows: QuerySet, page: int | str) -> Page:  # type: ignore[type-arg]
    return Paginator(rows, PAGE_SIZE).get_page(page)


def service_page(*, search: str = "", status: str = "", page: int | str = 1) -> Page:  # type: ignore[type-arg]
    """Services by category and name; `status` "active" or "archived" narrows them. Each row
    carries `performers` (staff, by name) and `booked` (has appointments: can't be deleted)."""
    rows = Service.objects.annotate(
        booked=Exists(Appointment.objects.filter(service=OuterRef("pk")))
    ).prefetch_related(
        Prefetch(
            "staff",
            queryset=StaffMember.objects.order_by("display_name").only("id", "display_name"),
            to_attr="performers",
        )
    )
    if search:
        rows = rows.filter(
            Q(name__icontains=search)
            | Q(category__icontains=search)
            | Q(description__icontains=search)
        )
    if status == "active":
        rows = rows.filter(is_active=True)
    elif status == "archived":
        rows = rows.filter(is_active=False)
    return _page(rows.order_by("-is_active", "category", "name", "id"), page)


def service_is_booked(*, service: Service) -> bool:
    return Appointment.objects.filter(service=service).exists()


def staff_page(*, search: str = "", page: int | str = 1) -> Page:  # type: ignore[type-arg]
    """Staff by name, each with `service_count`, `hours_count` (weekly intervals) and
    `booked` (has appointments: can't be deleted)."""
    rows = StaffMember.objects.annotate(
        service_count=Count("services", distinct=True),
        hours_count=Count("weekly_hours", distinct=True),
        booked=Exists(Appointment.objects.filter(staff=OuterRef("pk"))),
    ).select_related("user")
    if search:
        rows = rows.filter(
            Q(display_name__icontains=search)
            | Q(email__icontains=search)
            | Q(user__email__icontains=search)
        )
    return _page(rows.order_by("display_name", "id"), page)


def staff_is_booked(*, staff: StaffMember) -> bool:
    return Appointment.objects.filter(staff=staff).exists()


def time_off_page(
    *, staff: StaffMember, now: datetime, past: bool = False, page: int | str = 1
) -> Page:  # type: ignore[type-arg]
    """The staff member's time off: current and upcoming first by start, or the past ones,
    latest first."""
    rows = TimeOff.objects.filter(staff=staff)
    if past:
        rows = rows.filter(end__lte=now).order_by("-start", "-id")
    else:
        rows = rows.filter(end__gt=now).order_by("start", "id")
    return _page(rows, page)


def time_off_get_for_staff(*, staff: StaffMember, time_off_id: int) -> TimeOff | None:
    return TimeOff.objects.filter(staff=staff, pk=time_off_id).first()


def override_dates_from(*, staff: StaffMember, today: date) -> int:
    """How many dates from `today` on have an override (for the tab's badge)."""
    return (
        DateOverride.objects.filter(staff=staff, date__gte=today).values("date").distinct().count()
    )


def booking_page_page(*, search: str = "", page: int | str = 1) -> Page:  # type: ignore[type-arg]
    rows = BookingPage.objects.annotate(
        service_count=Count("services", distinct=True),
        staff_count=Count("staff", distinct=True),
    )
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(slug__icontains=search))
    return _page(rows.order_by("-is_active", "title", "id"), page)
