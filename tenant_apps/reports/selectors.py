"""The figures of the dashboard and the reports: database aggregates, never loops over rows.

Definitions, the same everywhere (the page says them too):
- a booking is an appointment that starts in the range, in any status but rejected (a rejected
  request never held a place);
- revenue is the price of confirmed and completed bookings in the studio's currency (what was
  earned or is still expected; cancelled, no-show and pending ones bring nothing in);
- the cancellation rate is cancelled bookings over all bookings; the no-show rate is no-shows
  over bookings whose outcome was recorded (completed + no-show);
- utilisation is booked minutes (confirmed, completed and no-show appointments, the part inside
  the range) over available minutes (weekly hours or date overrides, minus time off);
- a customer is new in a range (or a period) when their first ever booking starts in it.

Periods are buckets of the studio's local days (TruncDay/Week/Month with the studio's zone),
so a booking at 00:30 on a summer night lands on that local day, not on the UTC one before.
Every selector runs a fixed number of queries whatever the number of appointments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDay, TruncMonth, TruncWeek

from tenant_apps.catalog.models import StaffMember
from tenant_apps.reports.periods import Grouping, ReportRange
from tenant_apps.reports.utilisation import available_minutes_by_staff
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.selectors import local_day_range, zone_or_utc

S = AppointmentStatus
REVENUE_STATUSES = (S.CONFIRMED, S.COMPLETED)
UTILISED_STATUSES = (S.CONFIRMED, S.COMPLETED, S.NO_SHOW)
ZERO = Decimal("0.00")
_PERCENT = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole as a percentage with one decimal (half up), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReportFilters:
    staff_id: int | None = None
    service_id: int | None = None

    def apply(self, appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
        if self.staff_id is not None:
            appointments = appointments.filter(staff_id=self.staff_id)
        if self.service_id is not None:
            appointments = appointments.filter(service_id=self.service_id)
        return appointments


@dataclass(frozen=True)
class StatusFigures:
    """Counts and revenue of one period, or of the whole range."""

    bookings: int = 0
    pending: int = 0
    confirmed: int = 0
    completed: int = 0
    cancelled: int = 0
    no_shows: int = 0
    revenue: Decimal = ZERO

    @property
    def cancellation_rate(self) -> Decimal | None:
        return percent(self.cancelled, self.bookings)

    @property
    def no_show_rate(self) -> Decimal | None:
        return percent(self.no_shows, self.completed + self.no_shows)

    def __add__(self, other: StatusFigures) -> StatusFigures:
        return StatusFigures(
            bookings=self.bookings + other.bookings,
            pending=self.pending + other.pending,
            confirmed=self.confirmed + other.confirmed,
            completed=self.completed + other.completed,
            cancelled=self.cancelled + other.cancelled,
            no_shows=self.no_shows + other.no_shows,
            revenue=self.revenue + other.revenue,
        )


@dataclass(frozen=True)
class PeriodRow:
    period: date  # first day of the bucket
    label: str
    figures: StatusFigures
    new_customers: int = 0
    returning_customers: int = 0


@dataclass(frozen=True)
class StaffUtilisation:
    staff_id: int
    name: str
    color: str
    booked_minutes: int
    available_minutes: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.booked_minutes, self.available_minutes)

    @property
    def bar_percent(self) -> int:
        """Width of the bar: the rate, capped at 100 (bookings outside hours can exceed it)."""
        rate = self.rate
        return 0 if rate is None else min(100, round(rate))


@dataclass(frozen=True)
class ServiceRow:
    service_id: int
    name: str
    bookings: int
    completed: int
    revenue: Decimal


@dataclass(frozen=True)
class CustomerMix:
    customers: int = 0
    new: int = 0

    @property
    def returning(self) -> int:
        return self.customers - self.new

    @property
    def new_share(self) -> Decimal | None:
        return percent(self.new, self.customers)


@dataclass(frozen=True)
class Summary:
    """What the dashboard shows for a range: totals, the series, customers, utilisation."""

    range: ReportRange
    currency: str
    totals: StatusFigures
    periods: tuple[PeriodRow, ...]
    customers: CustomerMix
    booked_minutes: int
    available_minutes: int
    # Revenue-bearing bookings priced in another currency (the studio changed its currency):
    # left out of the revenue figures rather than added up with the wrong unit.
    other_currency_bookings: int = 0

    @property
    def utilisation(self) -> Decimal | None:
        return percent(self.booked_minutes, self.available_minutes)


@dataclass(frozen=True)
class Report(Summary):
    staff: tuple[StaffUtilisation, ...] = ()
    services: tuple[ServiceRow, ...] = ()


def _trunc(report_range: ReportRange, expression: Any) -> Any:
    kind = {Grouping.DAY: TruncDay, Grouping.WEEK: TruncWeek, Grouping.MONTH: TruncMonth}
    return kind[report_range.grouping](
        expression, tzinfo=report_range.zone, output_field=DateTimeField()
    )


def _booked_in_range(report_range: ReportRange, filters: ReportFilters) -> QuerySet[Appointment]:
    """Bookings (every status but rejected) that start inside the range."""
    return filters.apply(
        Appointment.objects.filter(
            start__gte=report_range.start, start__lt=report_range.end
        ).exclude(status=S.REJECTED)
    )


def _figure_aggregates(currency: str) -> dict[str, Any]:
    revenue_filter = Q(status__in=REVENUE_STATUSES, currency=currency)
    return {
        "bookings": Count("id"),
        "pending": Count("id", filter=Q(status=S.PENDING)),
        "confirmed": Count("id", filter=Q(status=S.CONFIRMED)),
        "completed": Count("id", filter=Q(status=S.COMPLETED)),
        "cancelled": Count("id", filter=Q(status=S.CANCELLED)),
        "no_shows": Count("id", filter=Q(status=S.NO_SHOW)),
        "revenue": Coalesce(
            Sum("price", filter=revenue_filter),
            Value(ZERO),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        "other_currency": Count(
            "id", filter=Q(status__in=REVENUE_STATUSES) & ~Q(currency=currency)
        ),
    }


def _local_day(moment: datetime, report_range: ReportRange) -> date:
    return moment.astimezone(report_range.zone).date()


def period_figures_list(
    *, report_range: ReportRange, currency: str, filters: ReportFilters
) -> tuple[dict[date, StatusFigures], int]:
    """Figures per bucket (one GROUP BY query) and the count of other-currency bookings."""
    rows = (
        _booked_in_range(report_range, filters)
        .annotate(period=_trunc(report_range, F("start")))
        .values("period")
        .annotate(**_figure_aggregates(currency))
        .order_by("period")
    )
    by_period: dict[date, StatusFigures] = {}
    other_currency = 0
    for row in rows:
        values: dict[str, Any] = dict(row)
        other_currency += values.pop("other_currency")
        period = _local_day(values.pop("period"), report_range)
        by_period[period] = StatusFigures(**values)
    return by_period, other_currency


def _first_booking_start() -> Subquery:
    """The customer's first ever booking (any time, any filter): what makes them new."""
    return Subquery(
        Appointment.objects.filter(customer_id=OuterRef("customer_id"))
        .exclude(status=S.REJECTED)
        .order_by("start")
        .values("start")[:1]
    )


def customer_mix_by_period(
    *, report_range: ReportRange, filters: ReportFilters
) -> dict[date, CustomerMix]:
    """Distinct customers per bucket, and how many of them booked for the first time ever in
    that bucket. One query."""
    rows = (
        _booked_in_range(report_range, filters)
        .annotate(
            period=_trunc(report_range, F("start")),
            first_period=_trunc(report_range, _first_booking_start()),
        )
        .values("period")
        .annotate(
            customers=Count("customer_id", distinct=True),
            new=Count("customer_id", distinct=True, filter=Q(first_period=F("period"))),
        )
        .order_by("period")
    )
    return {
        _local_day(row["period"], report_range): CustomerMix(
            customers=row["customers"], new=row["new"]
        )
        for row in rows
    }


def customer_mix_get(*, report_range: ReportRange, filters: ReportFilters) -> CustomerMix:
    """Distinct customers over the whole range (not the sum of the buckets: someone who came
    in two weeks counts once). One query."""
    totals = (
        _booked_in_range(report_range, filters)
        .annotate(first_start=_first_booking_start())
        .aggregate(
            customers=Count("customer_id", distinct=True),
            new=Count("customer_id", distinct=True, filter=Q(first_start__gte=report_range.start)),
        )
    )
    return CustomerMix(customers=totals["customers"], new=totals["new"])


def staff_utilisation_list(
    *, report_range: ReportRange, studio_timezone: str, filters: ReportFilters
) -> tuple[StaffUtilisation, ...]:
    """Booked over available minutes per staff member (three queries: staff, their calendars,
    booked minutes). People with neither hours nor bookings in the range are left out."""
    start, end = report_range.start, report_range.end
    staff = list(StaffMember.objects.order_by("display_name", "pk"))
    if filters.staff_id is not None:
        staff = [member for member in staff if member.pk == filters.staff_id]
    available = available_minutes_by_staff(
        staff=staff, studio_timezone=studio_timezone, start=start, end=end
    )
    # Only the part of each appointment inside the range: one that runs over midnight at the
    # range's edge counts its minutes on the side they fall.
    inside = ExpressionWrapper(
        Least(F("end"), Value(end, output_field=DateTimeField()))
        - Greatest(F("start"), Value(start, output_field=DateTimeField())),
        output_field=DurationField(),
    )
    booked_rows = (
        filters.apply(
            Appointment.objects.filter(start__lt=end, end__gt=start, status__in=UTILISED_STATUSES)
        )
        .values("staff_id")
        .annotate(booked=Sum(inside))
        .order_by("staff_id")
    )
    booked = {
        row["staff_id"]: int(row["booked"].total_seconds()) // 60
        for row in booked_rows
        if row["booked"] is not None
    }
    return tuple(
        StaffUtilisation(
            staff_id=member.pk,
            name=member.display_name,
            color=member.color,
            booked_minutes=booked.get(member.pk, 0),
            available_minutes=available.get(member.pk, 0),
        )
        for member in staff
        if booked.get(member.pk) or available.get(member.pk)
    )


def service_ranking_list(
    *, report_range: ReportRange, currency: str, filters: ReportFilters, limit: int | None = 10
) -> tuple[ServiceRow, ...]:
    """Services by bookings (then revenue, then name) with their revenue. One query."""
    rows = (
        _booked_in_range(report_range, filters)
        .values("service_id", "service__name")
        .annotate(
            bookings=Count("id"),
            completed=Count("id", filter=Q(status=S.COMPLETED)),
            revenue=_figure_aggregates(currency)["revenue"],
        )
        .order_by("-bookings", "-revenue", "service__name", "service_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return tuple(
        ServiceRow(
            service_id=row["service_id"],
            name=row["service__name"],
            bookings=row["bookings"],
            completed=row["completed"],
            revenue=row["revenue"],
        )
        for row in rows
    )


def _periods(
    report_range: ReportRange,
    figures: dict[date, StatusFigures],
    mix: dict[date, CustomerMix] | None = None,
) -> tuple[PeriodRow, ...]:
    """Every bucket of the range, empty ones as zeros (a loop over buckets, not appointments)."""
    rows = []
    for bucket in report_range.buckets():
        customers = (mix or {}).get(bucket, CustomerMix())
        rows.append(
            PeriodRow(
                period=bucket,
                label=report_range.bucket_label(bucket),
                figures=figures.get(bucket, StatusFigures()),
                new_customers=customers.new,
                returning_customers=customers.returning,
            )
        )
    return tuple(rows)


def _totals(figures: dict[date, StatusFigures]) -> StatusFigures:
    total = StatusFigures()
    for value in figures.values():
        total += value
    return total


def report_summary_get(
    *,
    report_range: ReportRange,
    currency: str,
    studio_timezone: str,
    filters: ReportFilters | None = None,
) -> Summary:
    """The dashboard's figures for a range."""
    filters = filters or ReportFilters()
    figures, other_currency = period_figures_list(
        report_range=report_range, currency=currency, filters=filters
    )
    staff = staff_utilisation_list(
        report_range=report_range, studio_timezone=studio_timezone, filters=filters
    )
    return Summary(
        range=report_range,
        currency=currency,
        totals=_totals(figures),
        periods=_periods(report_range, figures),
        customers=customer_mix_get(report_range=report_range, filters=filters),
        booked_minutes=sum(s.booked_minutes for s in staff),
        available_minutes=sum(s.available_minutes for s in staff),
        other_currency_bookings=other_currency,
    )


def report_get(
    *,
    report_range: ReportRange,
    currency: str,
    studio_timezone: str,
    filters: ReportFilters | None = None,
    service_limit: int | None = 10,
) -> Report:
    """Everything the reports page shows, in a fixed number of queries."""
    filters = filters or ReportFilters()
    figures, other_currency = period_figures_list(
        report_range=report_range, currency=currency, filters=filters
    )
    mix = customer_mix_by_period(report_range=report_range, filters=filters)
    staff = staff_utilisation_list(
        report_range=report_range, studio_timezone=studio_timezone, filters=filters
    )
    return Report(
        range=report_range,
        currency=currency,
        totals=_totals(figures),
        periods=_periods(report_range, figures, mix),
        customers=customer_mix_get(report_range=report_range, filters=filters),
        booked_minutes=sum(s.booked_minutes for s in staff),
        available_minutes=sum(s.available_minutes for s in staff),
        other_currency_bookings=other_currency,
        staff=staff,
        services=service_ranking_list(
            report_range=report_range, currency=currency, filters=filters, limit=service_limit
        ),
    )


# --- appointments for the export ---------------------------------------------------------------


def appointment_export_list(
    *,
    report_range: ReportRange,
    filters: ReportFilters,
    statuses: tuple[str, ...] = (),
) -> Iterator[Appointment]:
    """Appointments starting in the range (every status unless `statuses` narrows it), oldest
    first, streamed in chunks so a year of bookings never sits in memory at once."""
    appointments = filters.apply(
        Appointment.objects.filter(start__gte=report_range.start, start__lt=report_range.end)
    )
    if statuses:
        appointments = appointments.filter(status__in=statuses)
    return (
        appointments.select_related("service", "staff", "customer")
        .order_by("start", "id")
        .iterator(chunk_size=2000)
    )


# --- the dashboard's day -----------------------------------------------------------------------


def appointment_day_list(
    *, day: date, timezone_name: str, staff_user_id: int | None = None
) -> list[Appointment]:
    """The appointments of one local day (not rejected ones), in time order; only those of the
    staff member signed in as `staff_user_id`, when given."""
    start, end = local_day_range(first=day, last=day, zone=zone_or_utc(timezone_name))
    appointments = Appointment.objects.filter(start__gte=start, start__lt=end).exclude(
        status=S.REJECTED
    )
    if staff_user_id is not None:
        appointments = appointments.filter(staff__user_id=staff_user_id)
    return list(appointments.select_related("service", "staff", "customer").order_by("start", "id"))


def pending_approval_list(*, limit: int = 5) -> tuple[int, list[Appointment]]:
    """How many bookings wait for approval, and the oldest requests first (two queries)."""
    pending = Appointment.objects.filter(status=S.PENDING)
    count = pending.count()
    oldest = list(
        pending.select_related("service", "staff", "customer").order_by("created_at", "id")[:limit]
    )
    return count, oldest
