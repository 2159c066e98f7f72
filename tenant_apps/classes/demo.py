"""The demo studio's classes (idempotent, run inside the studio's schema after the scheduling
and resources demos and before the packages demo, whose products cover these class types):
three class types, weekly series for the next four weeks, and enrollments, with some classes
full and people on their waitlists."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from shared_apps.core.errors import DomainError
from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import (
    ClassLevel,
    ClassSession,
    ClassType,
    EnrollmentPayment,
    EnrollmentSource,
)
from tenant_apps.classes.services import (
    class_series_create,
    class_session_create,
    enrollment_book,
)
from tenant_apps.customers.models import Customer
from tenant_apps.resources.models import Resource
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant

ACTOR = Actor(label="Demo data")
WEEKS = 4
# name, minutes, capacity, price, level, colour, room, equipment per seat, description
TYPES = [
    (
        "Reformer Flow",
        55,
        12,
        "26.00",
        ClassLevel.INTERMEDIATE,
        "#2f9e8f",
        ("Reformer studio", "Reformer", 1),
        "A flowing full-body class on the reformer: springs, straps and a lot of core.",
    ),
    (
        "Mat Pilates",
        50,
        14,
        "16.00",
        ClassLevel.ALL,
        "#4f6ef7",
        None,
        "Classical mat work for strength and mobility. Mats and props provided.",
    ),
    (
        "Vinyasa Yoga",
        60,
        16,
        "15.00",
        ClassLevel.BEGINNER,
        "#d97706",
        None,
        "Breath-led flow for every body; beginners welcome.",
    ),
]
# class type, instructor (index into the demo staff, by name), weekday, hour, minute
SCHEDULE = [
    ("Reformer Flow", "Theo Marsh", 0, 19, 0),
    ("Reformer Flow", "Maya Lindqvist", 2, 7, 0),
    ("Reformer Flow", "Theo Marsh", 5, 10, 0),
    ("Mat Pilates", "Maya Lindqvist", 1, 12, 15),
    ("Mat Pilates", "Maya Lindqvist", 3, 18, 30),
    ("Vinyasa Yoga", "Priya Shah", 0, 7, 0),
    ("Vinyasa Yoga", "Priya Shah", 6, 10, 30),
]


def _class_type(spec: tuple, *, currency: str, instructor: StaffMember | None) -> ClassType:
    name, minutes, capacity, price, level, color, resources, description = spec
    room = equipment = None
    per_seat = 0
    if resources is not None:
        room = Resource.objects.filter(name=resources[0]).first()
        equipment = Resource.objects.filter(name=resources[1]).first()
        per_seat = resources[2] if equipment is not None else 0
    class_type, _ = ClassType.objects.get_or_create(
        name=name,
        defaults={
            "duration_minutes": minutes,
            "capacity": capacity,
            "price": Decimal(price),
            "currency": currency,
            "level": level,
            "color": color,
            "description": description,
            "default_instructor": instructor,
            "room": room,
            "equipment": equipment,
            "equipment_per_attendee": per_seat,
        },
    )
    return class_type


def _first(day: date, weekday: int, at: time, zone: ZoneInfo, now: datetime) -> datetime:
    start = datetime.combine(day + timedelta(days=(weekday - day.weekday()) % 7), at, zone)
    return start if start > now + timedelta(hours=3) else start + timedelta(weeks=1)


def _schedule(
    class_type: ClassType, teacher: StaffMember, first: datetime, *, now: datetime, zone: str
) -> list[ClassSession]:
    """A weekly series; where the instructor or the room is taken some week (the demo's
    appointments are random), the weeks that fit are scheduled one by one instead."""
    try:
        _, sessions = class_series_create(
            class_type=class_type,
            first_start=first,
            count=WEEKS,
            instructor=teacher,
            actor=ACTOR,
            now=now,
            studio_timezone=zone,
        )
        return sessions
    except DomainError:
        pass
    sessions = []
    for week in range(WEEKS):
        try:
            sessions.append(
                class_session_create(
                    class_type=class_type,
                    start=first + timedelta(weeks=week),
                    instructor=teacher,
                    actor=ACTOR,
                    now=now,
                    studio_timezone=zone,
                )
            )
        except DomainError:
            continue
    return sessions


def _enroll(sessions: list[ClassSession], customers: list[Customer], now: datetime) -> int:
    rng = random.Random(6)  # noqa: S311 - repeatable demo data, not security
    booked = 0
    for index, session in enumerate(sessions):
        # Every third class is popular: full, with a few people waiting.
        wanted = session.capacity + 3 if index % 3 == 0 else rng.randint(2, session.capacity - 2)
        for customer in rng.sample(customers, k=min(wanted, len(customers))):
            try:
                enrollment_book(
                    session=session,
                    customer=customer,
                    payment=EnrollmentPayment.AT_STUDIO,
                    source=EnrollmentSource.PUBLIC_PAGE,
                    actor=ACTOR,
                    now=now,
                )
            except DomainError:
                continue
            booked += 1
    return booked


def classes_demo_seed(*, now: datetime, studio: Tenant) -> int:
    """Returns how many enrollments were added (none on a second run: the series exist)."""
    if ClassSession.objects.exists():
        return 0
    staff = {member.display_name: member for member in StaffMember.objects.all()}
    if not staff:
        return 0
    fallback = next(iter(staff.values()))
    types = {
        spec[0]: _class_type(spec, currency=studio.currency, instructor=fallback) for spec in TYPES
    }
    zone = ZoneInfo(studio.timezone)
    today = now.astimezone(zone).date()
    sessions: list[ClassSession] = []
    for type_name, teacher_name, weekday, hour, minute in SCHEDULE:
        teacher = staff.get(teacher_name, fallback)
        first = _first(today, weekday, time(hour, minute), zone, now)
        sessions += _schedule(types[type_name], teacher, first, now=now, zone=studio.timezone)
    customers = list(Customer.objects.order_by("pk")[:40])
    if not customers:
        return 0
    sessions.sort(key=lambda s: (s.start, s.pk))
    return _enroll(sessions, customers, now)
