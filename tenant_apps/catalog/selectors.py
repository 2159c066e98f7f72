"""Reads of the catalog: services, staff members and booking pages of the active studio.

Every member of a studio may see all of its catalog, so the `<entity>_get` functions are the
access functions: they raise NotFoundError for ids that do not exist in this studio's schema
(another studio's ids included), and never say more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model, Prefetch, QuerySet

from shared_apps.core.errors import NotFoundError
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.resources.models import ServiceResourceNeed


def service_list() -> QuerySet[Service]:
    return Service.objects.prefetch_related(
        Prefetch("staff", queryset=StaffMember.objects.only("id")),
        Prefetch(
            "resource_needs",
            queryset=ServiceResourceNeed.objects.select_related("resource").order_by(
                "resource__name", "resource_id"
            ),
        ),
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


@dataclass(frozen=True)
class BookingChoice:
    """What a customer picked, as the catalog sees it: the active service (None if there is no
    such active service), the bookable staff member (None for "any" or an unknown id), and
    whether that person performs that service."""

    service: Service | None
    staff: StaffMember | None
    performs: bool


def _columns(model: type[Model], alias: str) -> tuple[list[str], str]:
    fields = list(model._meta.concrete_fields)
    return [f.attname for f in fields], ", ".join(f'{alias}."{f.column}"' for f in fields)


def booking_choice_get(*, service_id: int, staff_id: int | None) -> BookingChoice:
    """The booking's service, staff member and their link, in one query: every public booking
    asks this first, and three ORM round trips cost more than the whole check."""
    service_names, service_sql = _columns(Service, "s")
    staff_names, staff_sql = _columns(StaffMember, "m")
    sql = (
        f"SELECT {service_sql}, {staff_sql}, link.service_id IS NOT NULL "  # noqa: S608
        "FROM (SELECT 1) AS one "
        "LEFT JOIN catalog_service s ON s.id = %(service)s AND s.is_active "
        "LEFT JOIN catalog_staffmember m ON m.id = %(staff)s AND m.is_bookable "
        "LEFT JOIN catalog_service_staff link "
        "ON link.service_id = s.id AND link.staffmember_id = m.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"service": service_id, "staff": staff_id})
        row = cursor.fetchone()
    assert row is not None  # (SELECT 1) always yields one row
    service_values = row[: len(service_names)]
    staff_values = row[len(service_names) : len(service_names) + len(staff_names)]
    service = (
        Service.from_db(connection.alias, service_names, service_values)
        if service_values[0] is not None
        else None
    )
    staff = (
        StaffMember.from_db(connection.alias, staff_names, staff_values)
        if staff_values[0] is not None
        else None
    )
    return BookingChoice(service=service, staff=staff, performs=bool(row[-1]))
