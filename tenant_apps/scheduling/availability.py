"""Loading the slot engine's inputs from the database, in a constant number of queries.

One query whatever the number of staff or appointments: weekly hours, date overrides, time off
and busy appointments of every staff member at once (the caller already holds the staff rows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
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
)

# One round trip for everything the engine needs about a set of staff in a window. Each row is
# (kind, staff id, a, b, c) with bigint columns:
#   1 weekly hours   weekday, start minute, end minute
#   2 date override  days since 1970-01-01, start minute or NULL (closed), end minute or NULL
#   3 time off       epoch start, epoch end
#   4 busy           epoch start, epoch end of active bookings widened by their buffers, merged
#                    where they touch or overlap (range_agg; exact for the engine: touching widened
#                    bookings block the same starts as their union)
# Raw SQL on purpose: a busy calendar has thousands of bookings, and building a Python datetime
# for each would cost more than the slot engine itself.
_CALENDAR_SQL = """
    SELECT 1, staff_id, weekday::bigint, start_minute::bigint, end_minute::bigint
      FROM scheduling_weeklyhours WHERE staff_id = ANY(%(ids)s)
    UNION ALL
    SELECT 2, staff_id, (date - DATE '1970-01-01')::bigint, start_minute::bigint,
           end_minute::bigint
      FROM scheduling_dateoverride
     WHERE staff_id = ANY(%(ids)s) AND date BETWEEN %(lo_day)s AND %(hi_day)s
    UNION ALL
    SELECT 3, staff_id, date_part('epoch', start)::bigint, date_part('epoch', "end")::bigint, NULL
      FROM scheduling_timeoff
     WHERE staff_id = ANY(%(ids)s) AND start < %(hi)s AND "end" > %(lo)s
    UNION ALL
    SELECT 4, staff_id, date_part('epoch', lower(span))::bigint,
           date_part('epoch', upper(span))::bigint, NULL
      FROM (
        SELECT staff_id, unnest(range_agg(tstzrange(blocked_start, blocked_end))) AS span
          FROM scheduling_appointment
         WHERE staff_id = ANY(%(ids)s) AND status = ANY(%(active)s)
           AND blocked_start < %(hi)s AND blocked_end > %(lo)s
           AND id <> %(exclude)s
         GROUP BY staff_id
      ) AS merged
"""


_EPOCH_DAY = date(1970, 1, 1)


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


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
    overrides: dict[int, dict[date, list[tuple[int, int]]]] = defaultdict(dict)
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    params: dict[str, Any] = {
        "ids": ids,
        "lo": lo,
        "hi": hi,
        "lo_day": lo.date(),
        "hi_day": hi.date(),
        "active": [status.value for status in ACTIVE_STATUSES],
        "exclude": exclude_appointment_id or 0,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CALENDAR_SQL, params)
        rows = cursor.fetchall()
    for kind, staff_id, a, b, c in rows:
        if kind == 4:
            busy[staff_id].append((a, b))
        elif kind == 1:
            weekly[staff_id].append(WeeklyInterval(a, b, c))
        elif kind == 2:
            intervals = overrides[staff_id].setdefault(_EPOCH_DAY + timedelta(days=a), [])
            if b is not None and c is not None:
                intervals.append((b, c))
        else:
            time_off[staff_id].append((_from_epoch(a), _from_epoch(b)))
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
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    calendars = staff_calendars_load(
        staff=staff,
        studio_timezone=studio_timezone,
        start=start,
        end=end,
        exclude_appointment_id=exclude_appointment_id,
    )
    request = SlotRequest(range_start=start, range_end=end, now=now, staff=calendars)
    return available_slots(service_rules(service), request)
