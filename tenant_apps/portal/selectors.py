"""Reads of the customer portal. Everything is scoped to the signed-in customer: a booking of
anyone else is "not found", never "forbidden"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from shared_apps.core.errors import NotFoundError
from tenant_apps.classes.models import Enrollment
from tenant_apps.classes.selectors import waitlist_positions
from tenant_apps.customers.models import Customer
from tenant_apps.packages.models import CreditEntry, CustomerPackage
from tenant_apps.portal.policies import BookingFacts, PolicyAction, PolicyDecision, policy_decide
from tenant_apps.reviews.links import review_link_path
from tenant_apps.reviews.models import Review
from tenant_apps.reviews.selectors import reviewed_appointment_ids
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.selectors import PublicSlot, local_day_range, public_slot_list


class PortalBookingNotFoundError(NotFoundError):
    code = "booking_not_found"
    title = "No such booking"


@dataclass(frozen=True)
class PortalBooking:
    appointment: Appointment
    start_local: datetime
    end_local: datetime
    can_review: bool
    # The review form's signed path, for completed bookings without a review ("" otherwise).
    review_link: str


@dataclass(frozen=True)
class PortalBookings:
    upcoming: list[PortalBooking]
    past: list[PortalBooking]


def customer_get(*, customer_id: int) -> Customer | None:
    return Customer.objects.filter(pk=customer_id).first()


def portal_booking_list(*, customer: Customer, now: datetime, zone: ZoneInfo) -> PortalBookings:
    """The customer's bookings: upcoming (soonest first; still running ones count as upcoming
    until they end) and past (newest first), in the studio's time zone. Two queries."""
    appointments = list(
        Appointment.objects.filter(customer=customer)
        .select_related("service", "staff")
        .order_by("start", "id")
    )
    completed = [a.pk for a in appointments if a.status == AppointmentStatus.COMPLETED]
    reviewed = reviewed_appointment_ids(appointment_ids=completed) if completed else set()

    def item(appointment: Appointment) -> PortalBooking:
        can_review = (
            appointment.status == AppointmentStatus.COMPLETED and appointment.pk not in reviewed
        )
        return PortalBooking(
            appointment=appointment,
            start_local=appointment.start.astimezone(zone),
            end_local=appointment.end.astimezone(zone),
            can_review=can_review,
            review_link=review_link_path(appointment) if can_review else "",
        )

    upcoming = [item(a) for a in appointments if a.end > now]
    past = [item(a) for a in reversed(appointments) if a.end <= now]
    return PortalBookings(upcoming=upcoming, past=past)


def access_booking_by_reference(*, customer: Customer, reference: str) -> Appointment:
    """The customer's own booking with this reference; PortalBookingNotFoundError for a
    reference that is unknown or someone else's (the two are indistinguishable)."""
    appointment = (
        Appointment.objects.select_related("service", "staff", "customer")
        .filter(reference=reference.strip().upper(), customer=customer)
        .first()
    )
    if appointment is None:
        raise PortalBookingNotFoundError("There is no such booking in your account.")
    return appointment


def booking_facts(appointment: Appointment) -> BookingFacts:
    return BookingFacts(
        status=appointment.status,
        start=appointment.start,
        cancel_notice_minutes=appointment.service.cancel_notice_minutes,
        reschedule_notice_minutes=appointment.service.reschedule_notice_minutes,
    )


def booking_policy(
    *, appointment: Appointment, action: PolicyAction, now: datetime, studio_phone: str = ""
) -> PolicyDecision:
    return policy_decide(
        action=action, facts=booking_facts(appointment), now=now, studio_phone=studio_phone
    )


@dataclass(frozen=True)
class BookingPolicies:
    cancel: PolicyDecision
    reschedule: PolicyDecision


def booking_policies_get(
    *, appointment: Appointment, now: datetime, studio_phone: str
) -> BookingPolicies:
    return BookingPolicies(
        cancel=booking_policy(
            appointment=appointment,
            action=PolicyAction.CANCEL,
            now=now,
            studio_phone=studio_phone,
        ),
        reschedule=booking_policy(
            appointment=appointment,
            action=PolicyAction.RESCHEDULE,
            now=now,
            studio_phone=studio_phone,
        ),
    )


def reschedule_slot_list(
    *, appointment: Appointment, day: date, zone: ZoneInfo, studio_timezone: str, now: datetime
) -> list[PublicSlot]:
    """Free start times on `day` (studio time) for the same service with the same staff
    member: the public booking API's slot selector, so the portal offers exactly what a new
    online booking could take, except that the booking itself blocks nothing (it is what
    moves); its current start is not offered, since moving there changes nothing."""
    start, end = local_day_range(first=day, last=day, zone=zone)
    slots = public_slot_list(
        service=appointment.service,
        staff=appointment.staff,
        start=start,
        end=end,
        zone=zone,
        studio_timezone=studio_timezone,
        now=now,
        exclude_appointment_id=appointment.pk,
    )
    return [slot for slot in slots if slot.start != appointment.start]


def _local_or_none(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment is not None else None


def _enrollments_export(customer: Customer, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Every class enrollment of the customer, oldest class first (two queries: the
    enrollments, and the waitlist positions when one of them is waiting)."""
    enrollments = list(
        Enrollment.objects.filter(customer=customer)
        .select_related("session__class_type", "session__instructor")
        .order_by("session__start", "id")
    )
    positions = waitlist_positions(enrollments=enrollments)
    return [
        {
            "reference": e.reference,
            "class": e.session.class_type.name,
            "instructor": e.session.instructor.display_name,
            "start": e.session.start.astimezone(zone).isoformat(),
            "end": e.session.end.astimezone(zone).isoformat(),
            "status": e.status,
            "spots": e.spots,
            "payment": e.payment,
            "price": str(e.price),
            "currency": e.currency,
            "waitlist_position": positions.get(e.pk),
            "note": e.customer_note,
            "cancelled_at": _local_or_none(e.cancelled_at, zone),
            "booked_at": e.created_at.isoformat(),
        }
        for e in enrollments
    ]


def _packages_export(customer: Customer, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The customer's credit packages with their ledger, oldest first (two queries)."""
    packages = (
        CustomerPackage.objects.filter(customer=customer)
        .prefetch_related(
            Prefetch("entries", queryset=CreditEntry.objects.order_by("created_at", "id"))
        )
        .order_by("purchased_at", "id")
    )
    return [
        {
            "name": p.name,
            "credits_total": p.credits_total,
            "balance": p.balance,
            "price_paid": str(p.price_paid),
            "currency": p.currency,
            "purchased_at": p.purchased_at.astimezone(zone).isoformat(),
            "expires_at": _local_or_none(p.expires_at, zone),
            "entries": [
                {
                    "kind": entry.kind,
                    "amount": entry.amount,
                    "balance_after": entry.balance_after,
                    "created_at": entry.created_at.astimezone(zone).isoformat(),
                    "reason": entry.reason,
                }
                for entry in p.entries.all()
            ],
        }
        for p in packages
    ]


def customer_data_export(*, customer: Customer, zone: ZoneInfo) -> dict[str, Any]:
    """Everything the studio holds about the customer that is theirs to see: their details,
    every booking with their answers, their own note and what the studio told them (the
    status reason), their class enrollments, their credit packages with every ledger entry,
    and their reviews. The studio's internal notes are not the customer's. A constant number
    of queries, however long the history."""
    appointments = (
        Appointment.objects.filter(customer=customer)
        .select_related("service", "staff")
        .order_by("start", "id")
    )
    reviews = Review.objects.filter(customer=customer).select_related("appointment")
    return {
        "customer": {
            "full_name": customer.full_name,
            "email": customer.email,
            "phone": customer.phone,
            "marketing_consent": customer.marketing_consent,
            "reminders_enabled": customer.reminders_enabled,
            "created_at": customer.created_at.isoformat(),
        },
        "timezone": zone.key,
        "appointments": [
            {
                "reference": a.reference,
                "service": a.service.name,
                "staff": a.staff.display_name,
                "start": a.start.astimezone(zone).isoformat(),
                "end": a.end.astimezone(zone).isoformat(),
                "status": a.status,
                "price": str(a.price),
                "currency": a.currency,
                "answers": a.answers,
                "note": a.customer_note,
                "message_from_studio": a.status_reason,
                "booked_at": a.created_at.isoformat(),
            }
            for a in appointments
        ],
        "class_enrollments": _enrollments_export(customer, zone),
        "packages": _packages_export(customer, zone),
        "reviews": [
            {
                "appointment": r.appointment.reference,
                "rating": r.rating,
                "comment": r.comment,
                "created_at": r.created_at.isoformat(),
            }
            for r in reviews.order_by("created_at", "id")
        ],
    }


def review_for_booking(*, appointment: Appointment) -> Review | None:
    return Review.objects.filter(appointment=appointment).first()
