"""Writes for appointments: create, reschedule, status changes, notes.

Every write re-checks availability inside its transaction with the staff member's row locked
(so concurrent bookings for one person queue up), and the exclusion constraint stays the last
word: a 23P01 violation becomes the same clean 409 as the re-check.

An appointment holds the rooms and equipment its service needs over its blocked time (buffers
included): reserved when it is booked, moved when it is rescheduled, released when it is
rejected or cancelled (completed and no-show appointments keep theirs, as history). The
resources' own lock and exclusion constraint guard those units; a refusal is the same 409 as a
taken time, with the reason code resource_unavailable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, OperationalError, transaction

from realtime.payloads import appointment_change_publish
from shared_apps.accounts.models import User
from shared_apps.core.db_races import lost_exclusion_race
from shared_apps.core.errors import ValidationFailedError
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.catalog.questions import answers_clean, answers_problems, questions_parse
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import customer_get_or_create
from tenant_apps.notifications.services import appointment_change_notify
from tenant_apps.packages.selectors import credit_use_for
from tenant_apps.packages.services import credits_refund, credits_use
from tenant_apps.resources.errors import ResourceUnavailableError
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import (
    reservations_move,
    reservations_release,
    resources_reserve,
)
from tenant_apps.scheduling import errors
from tenant_apps.scheduling.availability import availability_load
from tenant_apps.scheduling.engine import on_grid, resources_fit, within_working_time
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentActivity,
    AppointmentSource,
    AppointmentStatus,
)
from tenant_apps.scheduling.references import reference_new

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.PENDING: frozenset(
        {AppointmentStatus.CONFIRMED, AppointmentStatus.REJECTED, AppointmentStatus.CANCELLED}
    ),
    AppointmentStatus.CONFIRMED: frozenset(
        {AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}
    ),
    AppointmentStatus.REJECTED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
    AppointmentStatus.COMPLETED: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
}

# An appointment's length when somebody sets it by hand (the calendar's resize).
MIN_LENGTH = timedelta(minutes=5)
MAX_LENGTH = timedelta(hours=24)
LENGTH_STEP = timedelta(minutes=5)

# Statuses a person may only set with a reason.
REASON_REQUIRED = frozenset({AppointmentStatus.REJECTED, AppointmentStatus.CANCELLED})


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in user, a customer on a public page, or an integration."""

    label: str
    user: User | None = None
    # The studio's customer acting for themselves (public pages, the portal): the studio's
    # people are told about what customers change, not about what they change themselves.
    by_customer: bool = False

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(label=user.get_full_name(), user=user)

    @classmethod
    def for_customer(cls, customer: Customer, *, via: str) -> Actor:
        return cls(label=f"{customer.full_name} ({via})", by_customer=True)


@dataclass(frozen=True)
class BookingChecks:
    """Which availability rules a write enforces (owners may book off the public grid and, when
    they say so explicitly, outside working hours; nobody may overlap)."""

    enforce_notice_and_horizon: bool = True
    enforce_grid: bool = True
    allow_outside_hours: bool = False
    # Staff marked not bookable are hidden from customers; the desk may still book them.
    bookable_staff_only: bool = True


PUBLIC_CHECKS = BookingChecks()
OWNER_CHECKS = BookingChecks(
    enforce_notice_and_horizon=False, enforce_grid=False, bookable_staff_only=False
)


def _is_exclusion_violation(exc: IntegrityError | OperationalError) -> bool:
    return lost_exclusion_race(exc)


def _booking_verdict(
    *,
    service: Service,
    staff: StaffMember,
    start: datetime,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks,
    exclude_appointment_id: int | None = None,
    duration: timedelta | None = None,
) -> tuple[str | None, tuple[ResourceNeed, ...]]:
    """booking_problem's answer, and what the booking will reserve of the studio's rooms and
    equipment (read in the same query as the staff member's calendar)."""
    end = start + (duration or timedelta(minutes=service.duration_minutes))
    if checks.enforce_notice_and_horizon:
        if start < now + timedelta(minutes=service.min_notice_minutes):
            return errors.TOO_SOON, ()
        if start > now + timedelta(days=service.max_advance_days):
            return errors.TOO_FAR, ()
    loaded = availability_load(
        staff=[staff],
        studio_timezone=studio_timezone,
        start=start,
        end=end,
        service=service,
        exclude_appointment_id=exclude_appointment_id,
    )
    (calendar,) = loaded.calendars
    if any(off_start < end and off_end > start for off_start, off_end in calendar.time_off):
        return errors.STAFF_TIME_OFF, loaded.needs
    if not checks.allow_outside_hours and not within_working_time(calendar, start, end):
        return errors.OUTSIDE_HOURS, loaded.needs
    blocked_start = start - timedelta(minutes=service.buffer_before_minutes)
    blocked_end = end + timedelta(minutes=service.buffer_after_minutes)
    lo, hi = int(blocked_start.timestamp()), int(blocked_end.timestamp())
    if any(b_start < hi and b_end > lo for b_start, b_end in calendar.busy_spans):
        return errors.SLOT_TAKEN, loaded.needs
    if not resources_fit(loaded.resources, blocked_start, blocked_end):
        return errors.RESOURCE_UNAVAILABLE, loaded.needs
    if checks.enforce_grid and not on_grid(
        calendar.timezone, start, timedelta(minutes=service.slot_step_minutes)
    ):
        return errors.OFF_GRID, loaded.needs
    return None, loaded.needs


def booking_problem(
    *,
    service: Service,
    staff: StaffMember,
    start: datetime,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks,
    exclude_appointment_id: int | None = None,
    duration: timedelta | None = None,
) -> str | None:
    """The reason code why `staff` can't take `service` at `start` (for `duration`, by default
    the service's), or None if they can. The rooms and equipment the service needs count too
    (resource_unavailable when too few units are free over the time with its buffers)."""
    problem, _ = _booking_verdict(
        service=service,
        staff=staff,
        start=start,
        now=now,
        studio_timezone=studio_timezone,
        checks=checks,
        exclude_appointment_id=exclude_appointment_id,
        duration=duration,
    )
    return problem


def _require_bookable(
    *,
    service: Service,
    staff: StaffMember,
    start: datetime,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks,
    exclude_appointment_id: int | None = None,
    duration: timedelta | None = None,
) -> tuple[ResourceNeed, ...]:
    """booking_problem as a guard: raise the 409 with its reason code; otherwise what the
    booking must reserve."""
    problem, needs = _booking_verdict(
        service=service,
        staff=staff,
        start=start,
        now=now,
        studio_timezone=studio_timezone,
        checks=checks,
        exclude_appointment_id=exclude_appointment_id,
        duration=duration,
    )
    if problem is not None:
        raise errors.slot_unavailable(problem)
    return needs


@contextmanager
def _resources_as_conflict() -> Iterator[None]:
    """A refusal from the resources (their lock said so, after our early check passed) as the
    same SlotUnavailableError as every other refused time, keeping the detail that names the
    room or equipment."""
    try:
        yield
    except ResourceUnavailableError as exc:
        raise errors.SlotUnavailableError(errors.RESOURCE_UNAVAILABLE, exc.detail) from exc


def _snapshot(appointment: Appointment) -> dict[str, Any]:
    return {
        "status": appointment.status,
        "staff_id": appointment.staff_id,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "status_reason": appointment.status_reason,
        "owner_notes": appointment.owner_notes,
    }


def _log(
    appointment: Appointment,
    actor: Actor,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> AppointmentActivity:
    activity = AppointmentActivity.objects.create(
        appointment=appointment,
        actor=actor.user,
        actor_label=actor.label,
        action=action,
        before=before,
        after=after,
    )
    # Every change passes through here: the live calendar hears of it once it commits.
    appointment_change_publish(appointment=appointment, action=action, before=before)
    return activity


def _lock_staff(*staff_ids: int) -> None:
    # Ordered by id so two writes that lock the same pair never deadlock.
    list(
        StaffMember.objects.select_for_update()
        .filter(pk__in=sorted(set(staff_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _lock_performing_staff(*, service: Service, staff: StaffMember) -> bool:
    """Lock `staff` for the booking, in the same query that checks they perform `service`
    (False, nothing locked, when they don't)."""
    return (
        StaffMember.objects.select_for_update(of=("self",))
        .filter(pk=staff.pk, services=service)
        .values_list("pk", flat=True)
        .first()
        is not None
    )


def _apply_times(
    appointment: Appointment, service: Service, start: datetime, duration: timedelta | None = None
) -> None:
    appointment.start = start
    appointment.end = start + (duration or timedelta(minutes=service.duration_minutes))
    appointment.buffer_before = timedelta(minutes=service.buffer_before_minutes)
    appointment.buffer_after = timedelta(minutes=service.buffer_after_minutes)
    appointment.blocked_start = appointment.start - appointment.buffer_before
    appointment.blocked_end = appointment.end + appointment.buffer_after


def _pick_staff(
    *,
    service: Service,
    start: datetime,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks,
    staff_choices: Collection[int] | None = None,
) -> tuple[StaffMember, tuple[ResourceNeed, ...]]:
    """ "Any staff": the first bookable staff member (by name) who is free, returned locked
    (with what the booking must reserve).

    Each candidate is locked and checked inside its own savepoint; a busy one is released again
    (rolling back to a savepoint releases the row locks taken after it), so this holds at most
    one staff lock at a time and two "any" bookings for the same time end up with two different
    people instead of one 409."""
    candidates = service.staff.filter(is_bookable=True).order_by("display_name", "pk")
    if staff_choices is not None:
        candidates = candidates.filter(pk__in=list(staff_choices))
    members = list(candidates)
    if not members:
        raise errors.slot_unavailable(errors.OUTSIDE_HOURS)
    problems = []
    for member in members:
        try:
            with transaction.atomic():
                _lock_staff(member.pk)
                needs = _require_bookable(
                    service=service,
                    staff=member,
                    start=start,
                    now=now,
                    studio_timezone=studio_timezone,
                    checks=checks,
                )
        except errors.SlotUnavailableError as exc:
            problems.append(exc.code)
            continue
        return member, needs
    # Report the most telling reason: taken beats the rest when someone works then, and a
    # full room or pool (the same for everyone) beats a busy person.
    for code in (
        errors.TOO_SOON,
        errors.TOO_FAR,
        errors.OFF_GRID,
        errors.RESOURCE_UNAVAILABLE,
        errors.SLOT_TAKEN,
    ):
        if code in problems:
            raise errors.slot_unavailable(code)
    raise errors.slot_unavailable(problems[0])


@contextmanager
def _overlap_as_conflict() -> Iterator[None]:
    """The exclusion constraint's verdict (SQLSTATE 23P01, or the deadlock two simultaneous
    inserts can meet instead) as the same 409 the re-check gives. Used outside the
    transaction's block, so the rollback has happened when it converts."""
    try:
        yield
    except (IntegrityError, OperationalError) as exc:
        if _is_exclusion_violation(exc):
            raise errors.slot_unavailable(errors.SLOT_TAKEN) from exc
        raise


def _appointment_insert(
    *,
    service: Service,
    staff: StaffMember | None,
    customer: Customer,
    start: datetime,
    source: AppointmentSource,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks = PUBLIC_CHECKS,
    answers: dict[str, Any] | None = None,
    customer_note: str = "",
    owner_notes: str = "",
    staff_choices: Collection[int] | None = None,
) -> Appointment:
    """appointment_create's work, inside the caller's transaction."""
    if not service.is_active:
        raise errors.StaffCannotPerformServiceError(
            "This service is not bookable.", errors={"service": ["This service is not active."]}
        )
    if staff is not None and checks.bookable_staff_only and not staff.is_bookable:
        raise errors.StaffCannotPerformServiceError(
            errors={"staff": ["This staff member can't be booked online."]}
        )
    if staff is None:
        staff, needs = _pick_staff(
            service=service,
            start=start,
            now=now,
            studio_timezone=studio_timezone,
            checks=checks,
            staff_choices=staff_choices,
        )
    else:
        if not _lock_performing_staff(service=service, staff=staff):
            raise errors.StaffCannotPerformServiceError(
                errors={"staff": ["This staff member does not perform this service."]}
            )
        needs = _require_bookable(
            service=service,
            staff=staff,
            start=start,
            now=now,
            studio_timezone=studio_timezone,
            checks=checks,
        )
    appointment = Appointment(
        reference=reference_new(),
        service=service,
        staff=staff,
        customer=customer,
        status=(
            AppointmentStatus.PENDING if service.requires_approval else AppointmentStatus.CONFIRMED
        ),
        source=source,
        answers=answers or {},
        customer_note=customer_note,
        owner_notes=owner_notes,
        price=service.price,
        currency=service.currency,
        created_by=actor.user,
    )
    _apply_times(appointment, service, start)
    appointment.save()
    if needs:
        with _resources_as_conflict():
            resources_reserve(
                needs=needs,
                start=appointment.blocked_start,
                end=appointment.blocked_end,
                appointment=appointment,
            )
    activity = _log(appointment, actor, "created", {}, _snapshot(appointment))
    # In the same transaction: the emails are owed exactly when the booking exists.
    appointment_change_notify(appointment=appointment, activity=activity, actor=actor)
    return appointment


def appointment_create(
    *,
    service: Service,
    staff: StaffMember | None,
    customer: Customer,
    start: datetime,
    source: AppointmentSource,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks = PUBLIC_CHECKS,
    answers: dict[str, Any] | None = None,
    customer_note: str = "",
    owner_notes: str = "",
    staff_choices: Collection[int] | None = None,
    pay_with_credits: bool = False,
) -> Appointment:
    """Book `service` with `staff` (None: anyone free, among `staff_choices` when given);
    `pay_with_credits` pays with one credit of the customer's package that covers it."""
    with _overlap_as_conflict(), transaction.atomic():
        appointment = _appointment_insert(
            service=service,
            staff=staff,
            customer=customer,
            start=start,
            source=source,
            actor=actor,
            now=now,
            studio_timezone=studio_timezone,
            checks=checks,
            answers=answers,
            customer_note=customer_note,
            owner_notes=owner_notes,
            staff_choices=staff_choices,
        )
        if pay_with_credits:
            _pay_with_credit(appointment, actor=actor, now=now)
        return appointment


# One booking of a service costs one credit of a package that covers the service.
CREDITS_PER_APPOINTMENT = 1


def _pay_with_credit(appointment: Appointment, *, actor: Actor, now: datetime) -> None:
    """Inside the booking's transaction: a refusal (InsufficientCreditsError, a 409) takes the
    new appointment down with it."""
    credits_use(
        customer=appointment.customer,
        credits=CREDITS_PER_APPOINTMENT,
        service=appointment.service,
        now=now,
        actor=actor,
        appointment=appointment,
    )


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    staff: StaffMember | None,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks = OWNER_CHECKS,
    duration: timedelta | None = None,
) -> Appointment:
    """Move an appointment to `start` (and `staff`), and give it `duration` when that is set
    (the calendar's resize); otherwise it keeps its current length, which is the service's
    unless somebody resized it."""
    if appointment.status not in (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED):
        raise errors.InvalidTransitionError(
            f"A {appointment.get_status_display().lower()} appointment can't be moved."
        )
    if duration is None:
        duration = appointment.end - appointment.start
    elif not (MIN_LENGTH <= duration <= MAX_LENGTH and duration % LENGTH_STEP == timedelta(0)):
        raise ValidationFailedError(
            errors={
                "duration_minutes": ["Give a length of 5 minutes to 24 hours, in 5-minute steps."]
            }
        )
    service = appointment.service
    target = staff or appointment.staff
    if target.pk != appointment.staff_id and not service.staff.filter(pk=target.pk).exists():
        raise errors.StaffCannotPerformServiceError(
            errors={"staff": ["This staff member does not perform this service."]}
        )
    before = _snapshot(appointment)
    with _overlap_as_conflict(), transaction.atomic():
        _lock_staff(appointment.staff_id, target.pk)
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        needs = _require_bookable(
            service=service,
            staff=target,
            start=start,
            now=now,
            studio_timezone=studio_timezone,
            checks=checks,
            exclude_appointment_id=locked.pk,
            duration=duration,
        )
        locked.staff = target
        _apply_times(locked, service, start, duration)
        with _resources_as_conflict():
            reservations_move(
                needs=needs,
                start=locked.blocked_start,
                end=locked.blocked_end,
                appointment=locked,
            )
        locked.save(
            update_fields=[
                "staff",
                "start",
                "end",
                "buffer_before",
                "buffer_after",
                "blocked_start",
                "blocked_end",
                "updated_at",
            ]
        )
        activity = _log(locked, actor, "rescheduled", before, _snapshot(locked))
        appointment_change_notify(appointment=locked, activity=activity, actor=actor)
    return locked


def appointment_transition(
    *,
    appointment: Appointment,
    to_status: str,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    reason: str = "",
) -> Appointment:
    """Confirm, reject, cancel, complete or mark a no-show; only the allowed transitions.
    Rejecting and cancelling need a reason (the customer is told why)."""
    reason = reason.strip()
    if to_status in REASON_REQUIRED and not reason:
        raise ValidationFailedError(
            "Give a reason: the customer is told why.",
            errors={"reason": ["Give a reason: the customer is told why."]},
        )
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update()
            .select_related("service", "staff")
            .get(pk=appointment.pk)
        )
        if to_status not in ALLOWED_TRANSITIONS.get(locked.status, frozenset()):
            raise errors.InvalidTransitionError(
                f"A {locked.get_status_display().lower()} appointment can't become "
                f"{AppointmentStatus(to_status).label.lower()}."
                if to_status in AppointmentStatus.values
                else "Unknown status."
            )
        if to_status == AppointmentStatus.CONFIRMED:
            # Hours or time off may have changed since the request was made.
            _require_bookable(
                service=locked.service,
                staff=locked.staff,
                start=locked.start,
                now=now,
                studio_timezone=studio_timezone,
                checks=OWNER_CHECKS,
                exclude_appointment_id=locked.pk,
            )
        before = _snapshot(locked)
        locked.status = to_status
        if reason:
            locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        if to_status in (AppointmentStatus.REJECTED, AppointmentStatus.CANCELLED):
            # The room and equipment are free again; completed and no-show ones keep theirs.
            reservations_release(appointment=locked)
            # A credit paid for it goes back to the package it came from. Customers can only
            # cancel inside the studio's policy window (the portal refuses later), and a studio
            # that cancels or declines gives it back; a no-show or a completed one keeps it used.
            use = credit_use_for(appointment=locked)
            if use is not None:
                credits_refund(
                    use_entry=use,
                    now=now,
                    actor=actor,
                    reason=f"Appointment {locked.reference} {locked.get_status_display().lower()}",
                )
        activity = _log(locked, actor, f"status:{to_status}", before, _snapshot(locked))
        appointment_change_notify(appointment=locked, activity=activity, actor=actor)
    return locked


def appointment_notes_update(
    *, appointment: Appointment, owner_notes: str, actor: Actor
) -> Appointment:
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        before = _snapshot(locked)
        locked.owner_notes = owner_notes
        locked.save(update_fields=["owner_notes", "updated_at"])
        _log(locked, actor, "notes", before, _snapshot(locked))
    return locked


@dataclass(frozen=True)
class CustomerDetails:
    """A customer given by name and email (found by email, created if new)."""

    full_name: str
    email: str
    phone: str = ""


def booking_answers_clean(*, page: BookingPage | None, answers: Any) -> dict[str, Any]:
    """The answers to store on a booking: checked against `page`'s questions. Without a page
    there are no questions, so no answers either."""
    if page is None:
        if answers:
            raise ValidationFailedError(
                errors={
                    "answers": ["Answers belong to a booking page: send its slug as booking_page."]
                }
            )
        return {}
    questions = questions_parse(page.questions or [])
    problems = answers_problems(questions, answers)
    if problems:
        raise ValidationFailedError(errors=problems)
    return answers_clean(questions, answers or {})


def _page_offer_problems(
    page: BookingPage, service: Service, staff: StaffMember | None
) -> dict[str, list[str]]:
    # An empty selection on a page means "everything".
    problems: dict[str, list[str]] = {}
    page_services = {s.pk for s in page.services.all()}
    if page_services and service.pk not in page_services:
        problems["service"] = ["This service can't be booked on this page."]
    page_staff = {s.pk for s in page.staff.all()}
    if staff is not None and page_staff and staff.pk not in page_staff:
        problems["staff"] = ["This staff member can't be booked on this page."]
    return problems


def appointment_book(
    *,
    service: Service,
    staff: StaffMember | None,
    customer: Customer | CustomerDetails,
    start: datetime,
    source: AppointmentSource,
    actor: Actor,
    now: datetime,
    studio_timezone: str,
    checks: BookingChecks = PUBLIC_CHECKS,
    page: BookingPage | None = None,
    answers: Any = None,
    customer_note: str = "",
    owner_notes: str = "",
    pay_with_credits: bool = False,
) -> Appointment:
    """A booking as a person makes it: the page's offer and questions checked, the customer
    found or created, and the appointment created, all or nothing (a refused time leaves no
    new customer behind)."""
    clean_answers = booking_answers_clean(page=page, answers=answers)
    staff_choices: list[int] | None = None
    if page is not None:
        problems = _page_offer_problems(page, service, staff)
        if problems:
            raise ValidationFailedError(errors=problems)
        page_staff = [s.pk for s in page.staff.all()]
        staff_choices = page_staff or None
    # One transaction (so one savepoint fewer than calling appointment_create in here).
    with _overlap_as_conflict(), transaction.atomic():
        if isinstance(customer, CustomerDetails):
            customer = customer_get_or_create(
                email=customer.email, full_name=customer.full_name, phone=customer.phone
            )
        appointment = _appointment_insert(
            service=service,
            staff=staff,
            customer=customer,
            start=start,
            source=source,
            actor=actor,
            now=now,
            studio_timezone=studio_timezone,
            checks=checks,
            answers=clean_answers,
            customer_note=customer_note,
            owner_notes=owner_notes,
            staff_choices=staff_choices,
        )
        if pay_with_credits:
            _pay_with_credit(appointment, actor=actor, now=now)
        return appointment
