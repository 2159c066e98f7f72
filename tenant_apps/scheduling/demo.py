"""Demo data for scheduling: three staff with realistic hours, six services, customers, three
months of past appointments and two weeks ahead (past ones completed, a few no-shows and
cancellations).

Idempotent: staff and services are matched by name; appointments are only added for days that
have none yet, so running it again on a later day tops the calendar up instead of doubling it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import customer_get_or_create
from tenant_apps.scheduling.errors import SlotUnavailableError
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    TimeOff,
    WeeklyHours,
)
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_transition,
)

DEMO_HISTORY_DAYS = 90
STAFF = [
    # name, colour, bio, {weekday: [(start, end), ...]} in minutes
    (
        "Maya Lindqvist",
        "#4f6ef7",
        "Founder. Classical and contemporary Pilates, 12 years.",
        {d: [(8 * 60, 12 * 60), (13 * 60, 18 * 60)] for d in range(5)},
    ),
    (
        "Theo Marsh",
        "#0f9d58",
        "Sports massage and strength-based reformer work.",
        {d: [(10 * 60, 19 * 60)] for d in range(1, 6)},
    ),
    (
        "Priya Shah",
        "#d97706",
        "Yoga teacher (E-RYT 500), prenatal and restorative.",
        {
            0: [(7 * 60, 15 * 60)],
            2: [(7 * 60, 15 * 60)],
            4: [(7 * 60, 15 * 60)],
            5: [(9 * 60, 13 * 60)],
        },
    ),
]
SERVICES = [
    # name, category, minutes, price, buffer after, approval, performers (indexes into STAFF)
    ("Private Reformer Session", "Pilates", 55, "65.00", 10, False, (0, 1)),
    ("Intro to Pilates (1:1)", "Pilates", 30, "35.00", 5, False, (0, 1)),
    ("Private Yoga", "Yoga", 60, "60.00", 10, False, (2,)),
    ("Prenatal Yoga (1:1)", "Yoga", 60, "60.00", 10, False, (2,)),
    ("Sports Massage", "Recovery", 45, "55.00", 15, False, (1,)),
    ("Movement Assessment", "Recovery", 60, "80.00", 15, True, (0,)),
]
CUSTOMERS = [
    "Amelia Hughes",
    "Oliver Bennett",
    "Isla Carter",
    "Noah Patel",
    "Freya Walsh",
    "Leo Turner",
    "Ava Robinson",
    "Arthur Collins",
    "Mia Stewart",
    "Harry Morgan",
    "Ella Murphy",
    "George Reed",
    "Grace Cooper",
    "Jack Ward",
    "Sophie Price",
    "Oscar Kelly",
    "Lily Foster",
    "Alfie Brooks",
    "Chloe Gray",
    "Henry Hayes",
    "Evie Russell",
    "Theo Griffin",
    "Ruby Hunt",
    "Finley Mills",
    "Poppy Graham",
    "Archie Ellis",
    "Daisy Wood",
    "Charlie Fox",
    "Rosie Palmer",
    "Jacob Knight",
]


def _staff(
    name: str, color: str, bio: str, hours: dict[int, list[tuple[int, int]]], user: User | None
) -> StaffMember:
    member, created = StaffMember.objects.get_or_create(
        display_name=name,
        defaults={
            "color": color,
            "bio": bio,
            "email": f"{name.split()[0].lower()}@harbour.example",
        },
    )
    if user is not None and member.user_id is None:
        member.user = user
        member.save(update_fields=["user"])
    if created or not member.weekly_hours.exists():
        WeeklyHours.objects.bulk_create(
            WeeklyHours(staff=member, weekday=day, start_minute=s, end_minute=e)
            for day, spans in hours.items()
            for s, e in spans
        )
    return member


def scheduling_demo_seed(
    *, studio_timezone: str, currency: str, now: datetime, owner: User, staff_user: User
) -> None:
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not security
    zone = ZoneInfo(studio_timezone)
    with transaction.atomic():
        users = {0: owner, 1: staff_user}
        staff = [_staff(*spec, user=users.get(i)) for i, spec in enumerate(STAFF)]
        services = []
        for name, category, minutes, price, after, approval, performers in SERVICES:
            service, _ = Service.objects.get_or_create(
                name=name,
                defaults={
                    "category": category,
                    "duration_minutes": minutes,
                    "price": Decimal(price),
                    "currency": currency,
                    "buffer_after_minutes": after,
                    "requires_approval": approval,
                    "min_notice_minutes": 120,
                    "description": f"{category} · {minutes} minutes with one of our specialists.",
                },
            )
            service.staff.add(*(staff[i] for i in performers))
            services.append(service)
        page = BookingPage.objects.filter(slug="book").first()
        if page is not None:
            page.services.add(*services)
            page.staff.add(*staff)
        customers = [
            customer_get_or_create(
                email=f"{n.lower().replace(' ', '.')}@example.com",
                full_name=n,
                phone=f"+44 7700 9{i:05d}",
            )
            for i, n in enumerate(CUSTOMERS)
        ]
        today = now.astimezone(zone).date()
        off_day = today + timedelta(days=(3 - today.weekday()) % 7 + 7)  # Thursday next week
        TimeOff.objects.get_or_create(
            staff=staff[2],
            reason="Training course",
            start=datetime.combine(off_day, time(0), zone),
            defaults={"end": datetime.combine(off_day + timedelta(days=1), time(0), zone)},
        )
    actor = Actor(label="Demo data")
    # A quarter of history, so the dashboard's and the reports' "last 90 days" have a story.
    for offset in range(-DEMO_HISTORY_DAYS, 15):
        day = today + timedelta(days=offset)
        _seed_day(day, zone, now, rng, staff, services, customers, actor, studio_timezone)


def _seed_day(
    day: date,
    zone: ZoneInfo,
    now: datetime,
    rng: random.Random,
    staff: list[StaffMember],
    services: list[Service],
    customers: list[Customer],
    actor: Actor,
    studio_timezone: str,
) -> None:
    start_of_day = datetime.combine(day, time(0), zone)
    if Appointment.objects.filter(
        start__gte=start_of_day, start__lt=start_of_day + timedelta(days=1)
    ).exists():
        return
    # The day is booked first and aged afterwards: a booking made after an earlier one was
    # already marked completed could overlap it (completed ones no longer hold the time).
    booked: list[Appointment] = []
    for member in staff:
        offered = [s for s in services if member in s.staff.all()]
        for hour in rng.sample(range(7, 19), k=rng.randint(2, 5)):
            service = rng.choice(offered)
            start = datetime.combine(day, time(hour, rng.choice((0, 15, 30))), zone)
            try:
                appointment = appointment_create(
                    service=service,
                    staff=member,
                    customer=rng.choice(customers),
                    start=start,
                    source=rng.choice(list(AppointmentSource)),
                    actor=actor,
                    now=now,
                    studio_timezone=studio_timezone,
                    checks=OWNER_CHECKS,
                    customer_note=rng.choice(["", "", "First visit", "Lower back is sore"]),
                )
            except SlotUnavailableError:
                continue  # outside this person's hours or overlapping: skip, as a real desk would
            booked.append(appointment)
    for appointment in booked:
        _age(appointment, now, rng, actor, studio_timezone)


def _age(
    appointment: Appointment, now: datetime, rng: random.Random, actor: Actor, studio_timezone: str
) -> None:
    """Past bookings get the outcome they would have had; some future ones are cancelled."""
    roll = rng.random()
    if appointment.status == AppointmentStatus.PENDING:
        if appointment.start < now or roll < 0.6:
            appointment = appointment_transition(
                appointment=appointment,
                to_status=AppointmentStatus.CONFIRMED,
                actor=actor,
                now=now,
                studio_timezone=studio_timezone,
            )
        else:
            return
    if appointment.end <= now:
        outcome = (
            AppointmentStatus.NO_SHOW
            if roll < 0.06
            else AppointmentStatus.CANCELLED
            if roll < 0.14
            else AppointmentStatus.COMPLETED
        )
        reason = "Cancelled by phone" if outcome == AppointmentStatus.CANCELLED else ""
        appointment_transition(
            appointment=appointment,
            to_status=outcome,
            actor=actor,
            now=now,
            studio_timezone=studio_timezone,
            reason=reason,
        )
    elif roll < 0.07:
        appointment_transition(
            appointment=appointment,
            to_status=AppointmentStatus.CANCELLED,
            actor=actor,
            now=now,
            studio_timezone=studio_timezone,
            reason="Customer asked to cancel",
        )
