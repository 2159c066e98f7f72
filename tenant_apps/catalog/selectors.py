"""Reads of the catalog: services, staff members and booking pages of the active studio.

Every member of a studio may see all of its catalog, so the `<entity>_get` functions are the
access functions: they raise NotFoundError for ids that do not exist in this studio's schema
(another studio's ids included), and never say more.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from shared_apps.core.errors import NotFoundError
from tenant_apps.catalog.models import BookingPage, Service, StaffMember


def service_list() -> QuerySet[Service]:
    return Service.objects.prefetch_related(
        Prefetch("staff", queryset=StaffMember.objects.only("id"))
    )


def service_get(*, service_id: int) -> Service:
    service = service_list().filter(pk=service_id).first()
    if service is None:
        raise NotFoundError("No such service in this studio.")
    return service


def staff_member_list() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("user").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("id"))
    )


def staff_member_get(*, staff_id: int) -> StaffMember:
    staff = staff_member_list().filter(pk=staff_id).first()
    if staff is None:
        raise NotFoundError("No such staff member in this studio.")
    return staff


def booking_page_list() -> QuerySet[BookingPage]:
    return BookingPage.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.only("id")),
        Prefetch("staff", queryset=StaffMember.objects.only("id")),
    )


def booking_page_get(*, page_id: int) -> BookingPage:
    page = booking_page_list().filter(pk=page_id).first()
    if page is None:
        raise NotFoundError("No such booking page in this studio.")
    return page
