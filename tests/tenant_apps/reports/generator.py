"""A generated month of bookings for the report tests, and the figures expected from it computed
in plain Python straight from the generated rows (no ORM, no report code).

March 2025 in Europe/London: the clocks go forward on Sunday 30 March (01:00 GMT -> 02:00 BST).
Bookings start at 00:30 and 23:30 local too, so a UTC-bucketing bug shows on both sides of the
change, and some run over midnight at the range's edges (28 Feb -> 1 Mar, 31 Mar -> 1 Apr).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    DateOverride,
    TimeOff,
    WeeklyHours,
)

S = AppointmentStatus
ZONE = ZoneInfo("Europe/London")
FIRST, LAST = date(2025, 3, 1), date(2025, 3, 31)
DST_DAY = date(2025, 3, 30)
STATUS_WEIGHTS = [
    (S.PENDING, 1),
    (S.CONFIRMED, 4),
    (S.COMPLETED, 8),
    (S.CANCELLED, 2),
    (S.NO_SHOW, 1),
    (S.REJECTED, 1),
]

# Working rules, as wall-clock (day filter, start minute, end minute) per staff member.
WEEKLY = {
    0: [(d, 9 * 60, 17 * 60) for d in range(5)],  # Mon-Fri 09-17
    1: [(d, 10 * 60, 18 * 60) for d in range(7)],  # every day 10-18
    2: [(d, s, e) for d in (1, 3) for s, e in ((8 * 60, 12 * 60), (13 * 60, 20 * 60))],
}
# staff 1: closed on the 12th, only 12:00-14:00 on the 13th
OVERRIDES = {1: {date(2025, 3, 12): [], date(2025, 3, 13): [(12 * 60, 14 * 60)]}}
# staff 2: off from Tue 18th 10:00 to Wed 19th 15:00 (local)
TIME_OFF = {
    2: [
        (
            datetime.combine(date(2025, 3, 18), time(10), ZONE),
            datetime.combine(date(2025, 3, 19), time(15), ZONE),
        )
    ]
}
SERVICES = [
    ("Reformer", 55, Decimal("65.00")),
    ("Intro", 30, Decimal("35.50")),
    ("Massage", 45, Decimal("55.00")),
    ("Assessment", 50, Decimal("80.00")),
]


@dataclass
class Generated:
    staff: list[StaffMember]
    services: list[Service]
    customers: list[Customer]
    appointments: list[Appointment]


def generate(*, seed: int = 7, per_slot_chance: float = 0.45, currency: str = "GBP") -> Generated:
    """Staff, services, customers and bookings from 20 Feb to 5 Apr 2025 (a February history
    makes some March customers returning ones)."""
    rng = random.Random(seed)
    staff = [
        StaffMember.objects.create(display_name=f"Gen Staff {i}", color=f"#00000{i}")
        for i in range(3)
    ]
    for index, rules in WEEKLY.items():
        WeeklyHours.objects.bulk_create(
            WeeklyHours(staff=staff[index], weekday=d, start_minute=s, end_minute=e)
            for d, s, e in rules
        )
    for index, days in OVERRIDES.items():
        for day, spans in days.items():
            if not spans:
                DateOverride.objects.create(staff=staff[index], date=day)
            for s, e in spans:
                DateOverride.objects.create(
                    staff=staff[index], date=day, start_minute=s, end_minute=e
                )
    for index, spans in TIME_OFF.items():
        for start, end in spans:
            TimeOff.objects.create(staff=staff[index], start=start, end=end)
    services = [
        Service.objects.create(name=name, duration_minutes=minutes, price=price, currency=currency)
        for name, minutes, price in SERVICES
    ]
    customers = [
        Customer.objects.create(full_name=f"Gen Customer {i:02d}", email=f"gen{i}@example.test")
        for i in range(30)
    ]
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    rows: list[Appointment] = []
    day = date(2025, 2, 20)
    while day <= date(2025, 4, 5):
        hours = [0, *range(8, 24)]
        for member in staff:
            for hour in hours:
                if rng.random() > per_slot_chance:
                    continue
                minute = 30 if hour in (0, 23) else 0
                start = datetime.combine(day, time(hour, minute), ZONE)
                service = rng.choice(services)
                price = service.price if rng.random() > 0.1 else Decimal("12.34")
                end = start + timedelta(minutes=service.duration_minutes)
                rows.append(
                    Appointment(
                        reference=f"G{len(rows):07d}",
                        service=service,
                        staff=member,
                        customer=rng.choice(customers)
                        if day >= FIRST
                        else rng.choice(customers[:12]),
                        start=start,
                        end=end,
                        buffer_before=timedelta(0),
                        buffer_after=timedelta(0),
                        blocked_start=start,
                        blocked_end=end,
                        status=rng.choices(statuses, weights)[0],
                        source=AppointmentSource.OWNER_APP,
                        price=price,
                        currency=currency,
                    )
                )
        day += timedelta(days=1)
    # One booking in the range priced in another currency: counted, but not added to revenue.
    rows[len(rows) // 2].currency = "EUR"
    rows[len(rows) // 2].status = S.CONFIRMED
    Appointment.objects.bulk_create(rows, batch_size=1000)
    return Generated(staff=staff, services=services, customers=customers, appointments=rows)


# --- expected figures, in plain Python -------------------------------------------------------


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def in_range(appointment: Appointment, first: date = FIRST, last: date = LAST) -> bool:
    return first <= local_day(appointment.start) <= last


def range_bounds(first: date = FIRST, last: date = LAST) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time(0), ZONE),
        datetime.combine(last + timedelta(days=1), time(0), ZONE),
    )


@dataclass
class Expected:
    bookings: int = 0
    pending: int = 0
    confirmed: int = 0
    completed: int = 0
    cancelled: int = 0
    no_shows: int = 0
    revenue: Decimal = Decimal("0.00")


def expected_by_day(data: Generated, currency: str = "GBP") -> dict[date, Expected]:
    days: dict[date, Expected] = defaultdict(Expected)
    for a in data.appointments:
        if not in_range(a) or a.status == S.REJECTED:
            continue
        e = days[local_day(a.start)]
        e.bookings += 1
        e.pending += a.status == S.PENDING
        e.confirmed += a.status == S.CONFIRMED
        e.completed += a.status == S.COMPLETED
        e.cancelled += a.status == S.CANCELLED
        e.no_shows += a.status == S.NO_SHOW
        if a.status in (S.CONFIRMED, S.COMPLETED) and a.currency == currency:
            e.revenue += a.price
    return days


def expected_booked_minutes(data: Generated) -> dict[int, int]:
    start, end = range_bounds()
    minutes: dict[int, int] = defaultdict(int)
    for a in data.appointments:
        if a.status not in (S.CONFIRMED, S.COMPLETED, S.NO_SHOW):
            continue
        lo, hi = max(a.start, start), min(a.end, end)
        if lo < hi:
            minutes[a.staff.pk] += int((hi - lo).total_seconds()) // 60
    return dict(minutes)


def expected_available_minutes(index: int) -> int:
    """Minute by minute over the range's working intervals, minus time off."""
    total = 0
    day = FIRST
    while day <= LAST:
        overrides = OVERRIDES.get(index, {})
        if day in overrides:
            spans = overrides[day]
        else:
            spans = [(s, e) for d, s, e in WEEKLY[index] if d == day.weekday()]
        for s, e in spans:
            lo = datetime.combine(day, time(s // 60, s % 60), ZONE)
            hi = datetime.combine(day, time(e // 60, e % 60), ZONE)
            minute = lo
            while minute < hi:
                if not any(a <= minute < b for a, b in TIME_OFF.get(index, [])):
                    total += 1
                minute += timedelta(minutes=1)
        day += timedelta(days=1)
    return total


def expected_customers(data: Generated) -> tuple[int, int]:
    """(customers with a booking in the range, those of them whose first ever booking is in
    it)."""
    first_ever: dict[int, datetime] = {}
    for a in data.appointments:
        if a.status == S.REJECTED:
            continue
        known = first_ever.get(a.customer.pk)
        if known is None or a.start < known:
            first_ever[a.customer.pk] = a.start
    start, _ = range_bounds()
    seen = {a.customer.pk for a in data.appointments if in_range(a) and a.status != S.REJECTED}
    return len(seen), sum(1 for c in seen if first_ever[c] >= start)
