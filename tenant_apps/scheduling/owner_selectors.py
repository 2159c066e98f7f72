"""Reads for the owner app's appointment list and approval queue.

What a member may see is decided here once: owners and managers see every appointment, staff
only those of the staff profile linked to their account (none if no profile is linked).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.scheduling.access import is_manager
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenants.models import Membership

PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 20


@dataclass(frozen=True)
class Viewer:
    """Whose appointments a member sees: everyone's (staff_id None, sees_all) or one staff
    profile's; a staff member without a linked profile sees none."""

    sees_all: bool
    staff_id: int | None

    @property
    def sees_nothing(self) -> bool:
        return not self.sees_all and self.staff_id is None


def viewer_for(*, membership: Membership) -> Viewer:
    if is_manager(membership):
        return Viewer(sees_all=True, staff_id=None)
    own = StaffMember.objects.filter(user_id=membership.user_id).values_list("pk", flat=True)
    return Viewer(sees_all=False, staff_id=own.first())


def _visible(viewer: Viewer) -> QuerySet[Appointment]:
    rows = Appointment.objects.select_related("service", "staff", "customer")
    if viewer.sees_all:
        return rows
    if viewer.staff_id is None:
        return rows.none()
    return rows.filter(staff_id=viewer.staff_id)


@dataclass(frozen=True)
class AppointmentQuery:
    start: datetime | None = None  # appointments starting at or after
    end: datetime | None = None  # appointments starting before
    staff: StaffMember | None = None
    service: Service | None = None
    statuses: Collection[str] = ()
    search: str = ""


def appointment_page(*, viewer: Viewer, query: AppointmentQuery, page: int | str = 1) -> Page:  # type: ignore[type-arg]
    """A page of the appointments the viewer may see, soonest first, narrowed by the query.
    The search matches the customer's name, email or phone, or the booking reference."""
    rows = _visible(viewer)
    if query.start is not None:
        rows = rows.filter(start__gte=query.start)
    if query.end is not None:
        rows = rows.filter(start__lt=query.end)
    if query.staff is not None:
        rows = rows.filter(staff=query.staff)
    if query.service is not None:
        rows = rows.filter(service=query.service)
    if query.statuses:
        rows = rows.filter(status__in=list(query.statuses))
    search = query.search.strip()
    if search:
        rows = rows.filter(
            Q(customer__full_name__icontains=search)
            | Q(customer__email__icontains=search)
            | Q(customer__phone__icontains=search)
            | Q(reference__iexact=search)
        )
    return Paginator(rows.order_by("start", "id"), PAGE_SIZE).get_page(page)


def pending_queue_page(*, viewer: Viewer, page: int | str = 1) -> Page:  # type: ignore[type-arg]
    """Bookings waiting for approval, the longest-waiting first."""
    rows = _visible(viewer).filter(status=AppointmentStatus.PENDING).order_by("created_at", "id")
    return Paginator(rows, QUEUE_PAGE_SIZE).get_page(page)


def pending_count(*, viewer: Viewer) -> int:
    return _visible(viewer).filter(status=AppointmentStatus.PENDING).count()
