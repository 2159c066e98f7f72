"""Loading the slot engine's inputs from the database, in a constant number of queries.

Five queries whatever the number of staff or appointments: staff, weekly hours, date overrides,
time off and busy appointments, each for every staff member at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.scheduling.engine import (
    DateOverride,
    ServiceRules,
    Slot,
    SlotRequest,
    StaffCalendar,
    WeeklyInterval,
    available_slots,
)
from tenant_apps.scheduling.models import (
    ACTIVE_STATUSES,
    TimeOff,
    WeeklyHours,
)
from tenant_apps.scheduling.models import DateOverride as DateOverrideRow


def _busy_spans(
    staff_ids: list[int], lo: datetime, hi: datetime, exclude_appointment_id: int | None
) -> list[tuple[int, int, int]]:
    """(staff id, blocked start, blocked end) of active bookings overlapping [lo, hi), merged
    where they touch or overlap (range_agg) and as epoch seconds, all computed by PostgreSQL.

    Merging is exact for the engine: two touching widened bookings block the same starts as
    their union. Raw SQL on purpose: a busy calendar has thousands of rows, and building a
    Python datetime for each would cost more than the slot engine itself."""
    exclude = "AND id <> %s" if exclude_appointment_id is not None else ""
    sql = f"""
        SELECT staff_id,
               date_part('epoch', lower(span))::bigint,
               date_part('epoch', upper(span))::bigint
        FROM (
            SELECT staff_id, unnest(range_agg(tstzrange(blocked_start, blocked_end))) AS span
            FROM scheduling_appointment
            WHERE staff_id = ANY(%s) AND status = ANY(%s)
              AND blocked_start < %s AND blocked_end > %s {exclude}
            GROUP BY staff_id
        ) AS merged
    """  # noqa: S608 - no user input is formatted in, only the optional clause above
    params: list[Any] = [staff_ids, [s.value for s in ACTIVE_STATUSES], hi, lo]
    if exclude_appointment_id is not None:
        params.append(exclude_appointment_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def service_rules(service: Service) -> ServiceRules:
    return ServiceRules(
        duration=timedelta(minutes=service.duration_minutes),
        buffer_before=timedelta(minutes=service.buffer_before_minutes),
        buffer_after=timedelta(minutes=service.buffer_after_minutes),
        step=timedelta(minutes=service.slot_step_minutes),
        min_notice=timedelta(minutes=service.min_notice_minutes),
        max_advance=timedelta(days=service.max_advance_days),
    )


def staff_calendars_load(
    *,
    staff: Sequence[StaffMember],
    studio_timezone: str,
    start: datetime,
    end: datetime,
    exclude_appointment_id: int | None = None,
) -> tuple[StaffCalendar, ...]:
    """Everything the engine needs about `staff` between start and end (padded by two days
    on each side so wall-clock days and long bookings at the edges are covered)."""
    ids = [s.pk for s in staff]
    if not ids:
        return ()
    lo, hi = start - timedelta(days=2), end + timedelta(days=2)
    weekly: dict[int, list[WeeklyInterval]] = defaultdict(list)
    for row in WeeklyHours.objects.filter(staff_id__in=ids).values_list(
        "staff_id", "weekday", "start_minute", "end_minute"
    ):
        weekly[row[0]].append(WeeklyInterval(row[1], row[2], row[3]))
    overrides: dict[int, dict[date, list[tuple[int, int]]]] = defaultdict(dict)
    for staff_id, day, s_min, e_min in DateOverrideRow.objects.filter(
        staff_id__in=ids, date__gte=lo.date(), date__lte=hi.date()
    ).values_list("staff_id", "date", "start_minute", "end_minute"):
        intervals = overrides[staff_id].setdefault(day, [])
        if s_min is not None and e_min is not None:
            intervals.append((s_min, e_min))
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for staff_id, t_start, t_end in TimeOff.objects.filter(
        staff_id__in=ids, start__lt=hi, end__gt=lo
    ).values_list("staff_id", "start", "end"):
        time_off[staff_id].append((t_start, t_end))
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for staff_id, b_start, b_end in _busy_spans(ids, lo, hi, exclude_appointment_id):
        busy[staff_id].append((b_start, b_end))
    return tuple(
        StaffCalendar(
            staff_id=member.pk,
            timezone=member.timezone or studio_timezone,
            weekly=tuple(weekly[member.pk]),
            overrides=tuple(
                DateOverride(day, tuple(spans)) for day, spans in overrides[member.pk].items()
            ),
            time_off=tuple(time_off[member.pk]),
            busy_spans=tuple(busy[member.pk]),
        )
        for member in staff
    )


def slots_for_service(
    *,
    service: Service,
    staff: Sequence[StaffMember],
    studio_timezone: str,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[Slot]:
    calendars = staff_calendars_load(
        staff=staff, studio_timezone=studio_timezone, start=start, end=end
    )
    request = SlotRequest(range_start=start, range_end=end, now=now, staff=calendars)
    return available_slots(service_rules(service), request)
