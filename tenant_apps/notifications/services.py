"""Which emails a change to an appointment causes, reminders, and the studio's settings.

`appointment_change_notify` is called by the scheduling services inside their transactions,
right after they log the change: the outbox rows commit (or roll back) with the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.catalog.models import StaffMember
from tenant_apps.notifications.models import (
    Notification,
    NotificationKind,
    NotificationSettings,
)
from tenant_apps.notifications.outbox import notifications_are_muted, notifications_queue
from tenant_apps.notifications.rendering import subject_for, zone_for
from tenant_apps.notifications.selectors import current_studio, notification_settings_get
from tenant_apps.scheduling.models import Appointment, AppointmentActivity, AppointmentStatus
from tenants.models import Membership, Role, Tenant

if TYPE_CHECKING:
    from tenant_apps.scheduling.services import Actor

# Reminder times a studio may choose: at least 10 minutes, at most a week, three at most.
REMINDER_MIN_MINUTES = 10
REMINDER_MAX_MINUTES = 7 * 24 * 60
REMINDER_MAX_COUNT = 3


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    timezone: str


def appointment_facts(
    appointment: Appointment, *, before: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The event as it is now (and, for a move, where it was): what the email will say."""
    customer = appointment.customer
    facts: dict[str, Any] = {
        "reference": appointment.reference,
        "service": appointment.service.name,
        "duration_minutes": appointment.service.duration_minutes,
        "staff": appointment.staff.display_name,
        "customer_name": customer.full_name,
        "customer_email": customer.email,
        "customer_phone": customer.phone,
        "customer_note": appointment.customer_note,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "status": appointment.status,
        "reason": appointment.status_reason,
        "price": str(appointment.price),
        "currency": appointment.currency,
    }
    if before and before.get("start") and before["start"] != facts["start"]:
        facts["previous_start"] = before["start"]
    return facts


def _customer(appointment: Appointment, studio: Tenant) -> list[Recipient]:
    customer = appointment.customer
    if not customer.email:
        return []
    return [Recipient(customer.email, customer.full_name, studio.timezone)]


def _studio_people(
    appointment: Appointment,
    studio: Tenant,
    *,
    actor: Actor,
    previous_staff_id: int | None = None,
) -> list[Recipient]:
    """The staff member(s) concerned and the studio's owners, once each, never the person who
    made the change (they know)."""
    # The appointment's staff member is loaded already; only a previous one costs a query.
    members = [appointment.staff]
    if previous_staff_id and previous_staff_id != appointment.staff_id:
        members.extend(StaffMember.objects.filter(pk=previous_staff_id).select_related("user"))
    people: list[Recipient] = []
    for member in members:
        email = member.email
        if not email and member.user_id is not None:
            email = member.user.email if member.user and member.user.is_active else ""
        if email:
            people.append(Recipient(email, member.display_name, member.timezone or studio.timezone))
    # Two columns, not two models: this runs on every booking and every change.
    owners = (
        Membership.objects.filter(tenant_id=studio.pk, role=Role.OWNER, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", "user__full_name")
    )
    people.extend(
        Recipient(email, full_name or email, studio.timezone) for email, full_name in owners
    )
    acting = actor.user.email.lower() if actor.user is not None else None
    seen: set[str] = set()
    unique = []
    for person in people:
        key = person.email.lower()
        if key in seen or key == acting:
            continue
        seen.add(key)
        unique.append(person)
    return unique


def _rows(
    *,
    appointment: Appointment,
    activity: AppointmentActivity,
    kind: NotificationKind,
    recipients: Iterable[Recipient],
    facts: dict[str, Any],
    studio: Tenant,
) -> list[Notification]:
    rows = []
    for person in recipients:
        zone = zone_for(person.timezone)
        rows.append(
            Notification(
                kind=kind,
                recipient_email=person.email,
                recipient_name=person.name,
                recipient_timezone=zone.key,
                subject=subject_for(kind=kind, facts=facts, zone=zone, studio_name=studio.name),
                context=facts,
                appointment=appointment,
                dedupe_key=f"event:{appointment.pk}:{activity.pk}:{person.email.lower()}",
            )
        )
    return rows


# A status change and the email the customer gets for it.
CUSTOMER_KIND_FOR_STATUS = {
    AppointmentStatus.CONFIRMED: NotificationKind.BOOKING_CONFIRMED,
    AppointmentStatus.REJECTED: NotificationKind.BOOKING_REJECTED,
    AppointmentStatus.CANCELLED: NotificationKind.BOOKING_CANCELLED,
    AppointmentStatus.COMPLETED: NotificationKind.REVIEW_INVITATION,
}


def appointment_change_notify(
    *, appointment: Appointment, activity: AppointmentActivity, actor: Actor
) -> list[int]:
    """Queue the emails one logged change causes; returns the new outbox ids.

    Customers hear about every change to their booking (whoever made it); the staff member and
    the owners hear about new bookings, and about cancellations and moves that customers make."""
    if notifications_are_muted():
        return []
    studio = current_studio()
    action = activity.action
    facts = appointment_facts(appointment, before=activity.before)
    plan: list[tuple[NotificationKind, list[Recipient]]] = []
    if action == "created":
        pending = appointment.status == AppointmentStatus.PENDING
        customer_kind = (
            NotificationKind.BOOKING_RECEIVED if pending else NotificationKind.BOOKING_CONFIRMED
        )
        plan.append((customer_kind, _customer(appointment, studio)))
        plan.append(
            (
                NotificationKind.STUDIO_NEW_BOOKING,
                _studio_people(appointment, studio, actor=actor),
            )
        )
    elif action == "rescheduled":
        plan.append((NotificationKind.BOOKING_RESCHEDULED, _customer(appointment, studio)))
        if actor.by_customer:
            previous_staff = activity.before.get("staff_id")
            plan.append(
                (
                    NotificationKind.STUDIO_BOOKING_RESCHEDULED,
                    _studio_people(
                        appointment, studio, actor=actor, previous_staff_id=previous_staff
                    ),
                )
            )
    elif action.startswith("status:"):
        status = action.removeprefix("status:")
        kind = CUSTOMER_KIND_FOR_STATUS.get(AppointmentStatus(status))
        if kind is not None:
            plan.append((kind, _customer(appointment, studio)))
        if status == AppointmentStatus.CANCELLED and actor.by_customer:
            plan.append(
                (
                    NotificationKind.STUDIO_BOOKING_CANCELLED,
                    _studio_people(appointment, studio, actor=actor),
                )
            )
    rows = [
        row
        for kind, recipients in plan
        for row in _rows(
            appointment=appointment,
            activity=activity,
            kind=kind,
            recipients=recipients,
            facts=facts,
            studio=studio,
        )
    ]
    return notifications_queue(rows)


def reminder_offset_due(
    *, appointment: Appointment, offsets: list[int], now: datetime
) -> int | None:
    """The reminder `appointment` is due for at `now`, in minutes before its start, or None.

    Only the latest reminder point that has passed counts (after an outage the customer gets
    one reminder, not a burst), and none for a booking made inside that window: its
    confirmation has just told them."""
    if not appointment.start > now:
        return None
    passed = [o for o in offsets if appointment.start - timedelta(minutes=o) <= now]
    if not passed:
        return None
    offset = min(passed)
    if appointment.created_at > appointment.start - timedelta(minutes=offset):
        return None
    return offset


def reminder_dedupe_key(appointment: Appointment, offset: int) -> str:
    # The start is part of the key: a booking moved to another time gets its reminders again.
    return f"reminder:{appointment.pk}:{offset}:{appointment.start.isoformat()}"


def reminders_queue(*, now: datetime) -> list[int]:
    """Queue the reminders due at `now` in this studio; returns the new outbox ids. Safe to run
    any number of times: a reminder's dedupe key makes it one row, ever."""
    offsets = sorted(set(notification_settings_get().reminder_offsets_minutes))
    if not offsets:
        return []
    studio = current_studio()
    zone = zone_for(studio.timezone)
    candidates = (
        Appointment.objects.filter(
            status=AppointmentStatus.CONFIRMED,
            start__gt=now,
            start__lte=now + timedelta(minutes=max(offsets)),
            customer__reminders_enabled=True,
        )
        .exclude(customer__email="")
        .select_related("service", "staff", "customer")
        .order_by("start", "pk")
    )
    due: list[tuple[Appointment, int]] = []
    for appointment in candidates:
        offset = reminder_offset_due(appointment=appointment, offsets=offsets, now=now)
        if offset is not None:
            due.append((appointment, offset))
    keys = {reminder_dedupe_key(a, o) for a, o in due}
    # Known keys are skipped before the insert (which would skip them too) to keep the
    # every-five-minutes run from burning sequence values on conflicts.
    known = set(
        Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    rows = []
    for appointment, offset in due:
        key = reminder_dedupe_key(appointment, offset)
        if key in known:
            continue
        facts = appointment_facts(appointment) | {"offset_minutes": offset}
        customer = appointment.customer
        rows.append(
            Notification(
                kind=NotificationKind.REMINDER,
                recipient_email=customer.email,
                recipient_name=customer.full_name,
                recipient_timezone=zone.key,
                subject=subject_for(
                    kind=NotificationKind.REMINDER, facts=facts, zone=zone, studio_name=studio.name
                ),
                context=facts,
                appointment=appointment,
                dedupe_key=key,
            )
        )
    return notifications_queue(rows)


def reminder_offsets_problems(offsets: list[int]) -> list[str]:
    problems = []
    if len(offsets) > REMINDER_MAX_COUNT:
        problems.append(f"Choose at most {REMINDER_MAX_COUNT} reminder times.")
    if len(set(offsets)) != len(offsets):
        problems.append("Each reminder time may appear once.")
    if any(not REMINDER_MIN_MINUTES <= o <= REMINDER_MAX_MINUTES for o in offsets):
        problems.append(
            f"Reminders go out between {REMINDER_MIN_MINUTES} minutes and 7 days before the "
            "appointment."
        )
    return problems


def notification_settings_update(*, reminder_offsets_minutes: list[int]) -> NotificationSettings:
    """Set when reminders go out (an empty list switches them off)."""
    problems = reminder_offsets_problems(reminder_offsets_minutes)
    if problems:
        raise ValidationFailedError(errors={"reminder_offsets_minutes": problems})
    with transaction.atomic():
        settings, _ = NotificationSettings.objects.select_for_update().get_or_create(
            pk=NotificationSettings.SINGLETON_ID
        )
        settings.reminder_offsets_minutes = sorted(reminder_offsets_minutes, reverse=True)
        settings.save(update_fields=["reminder_offsets_minutes", "updated_at"])
    return settings


def customer_message_queue(
    *,
    kind: NotificationKind,
    email: str,
    name: str,
    subject: str,
    facts: dict[str, Any],
    dedupe_key: str,
) -> list[int]:
    """Queue one email to a customer about something other than an appointment (a class
    enrollment, a waitlist, credits), inside the caller's transaction. `facts` must be JSON
    (times as ISO strings under "start"/"end" when the message has a time); the template is
    notifications/email/<kind>.html and .txt; `dedupe_key` makes a repeat a no-op. Nothing is
    queued while notifications are muted (seed data) or the customer has no address."""
    if notifications_are_muted() or not email:
        return []
    studio = current_studio()
    row = Notification(
        kind=kind,
        recipient_email=email,
        recipient_name=name,
        recipient_timezone=zone_for(studio.timezone).key,
        subject=subject,
        context=facts,
        dedupe_key=dedupe_key[:320],
    )
    return notifications_queue([row])
