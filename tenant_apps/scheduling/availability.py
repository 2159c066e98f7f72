"""Loading the slot engine's inputs from the database, in a constant number of queries.

One query whatever the number of staff, appointments or reservations: weekly hours, date
overrides, time off and busy times of every staff member at once (the caller already holds the
staff rows), and, for a service, what it needs of the studio's rooms and equipment and the units
already held over the window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.classes.models import SessionStatus
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.scheduling.engine import (
    DateOverride,
    ResourceLoad,
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
# (kind, staff or resource id, a, b, c) with bigint columns:
#   1 weekly hours   weekday, start minute, end minute
#   2 date override  days since 1970-01-01, start minute or NULL (closed), end minute or NULL
#   3 time off       epoch start, epoch end
#   4 busy           epoch start, epoch end of active bookings widened by their buffers and of
#                    the scheduled class sessions the staff member teaches, merged where they
#                    touch or overlap (range_agg; exact for the engine: touching widened
#                    bookings block the same starts as their union)
#   5 resource need  (resource id) units there are (0: switched off), units the service needs
#   6 reservation    (resource id) epoch start, epoch end, unit: active units held of a
#                    resource the service needs (units above today's quantity can't be taken
#                    anyway, so they don't count)
# Kinds 5 and 6 only come with a service (%(service)s = 0 selects none): a service that needs
# no resources costs no extra round trip.
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
        SELECT staff_id, unnest(range_agg(span)) AS span
          FROM (
            SELECT staff_id, tstzrange(blocked_start, blocked_end) AS span
              FROM scheduling_appointment
             WHERE staff_id = ANY(%(ids)s) AND status = ANY(%(active)s)
               AND blocked_start < %(hi)s AND blocked_end > %(lo)s
               AND id <> %(exclude)s
            UNION ALL
            SELECT instructor_id, tstzrange(start, "end")
              FROM classes_classsession
             WHERE instructor_id = ANY(%(ids)s) AND status = %(scheduled)s
               AND start < %(hi)s AND "end" > %(lo)s
               AND id <> %(exclude_session)s
          ) AS held
         GROUP BY staff_id
      ) AS merged
    UNION ALL
    SELECT 5, need.resource_id,
           CASE WHEN resource.is_active THEN resource.quantity ELSE 0 END::bigint,
           need.quantity::bigint, NULL
      FROM resources_serviceresourceneed need
      JOIN resources_resource resource ON resource.id = need.resource_id
     WHERE need.service_id = %(service)s
    UNION ALL
    SELECT 6, held.resource_id, date_part('epoch', held.start)::bigint,
           date_part('epoch', held."end")::bigint, held.unit::bigint
      FROM resources_serviceresourceneed need
      JOIN resources_resource resource ON resource.id = need.resource_id
      JOIN resources_reservation held ON held.resource_id = need.resource_id
     WHERE need.service_id = %(service)s AND held.is_active
       AND held.start < %(hi)s AND held."end" > %(lo)s AND held.unit <= resource.quantity
       AND held.appointment_id IS DISTINCT FROM %(exclude)s
       AND held.class_session_id IS DISTINCT FROM %(exclude_session)s
"""


@dataclass(frozen=True)
class Availability:
    """The engine's inputs for one service (or none) and a set of staff, plus the needs that a
    booking of the service will reserve."""

    calendars: tuple[StaffCalendar, ...]
    resources: tuple[ResourceLoad, ...] = ()
    needs: tuple[ResourceNeed, ...] = ()


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


def availability_load(
    *,
    staff: Sequence[StaffMember],
    studio_timezone: str,
    start: datetime,
    end: datetime,
    service: Service | None = None,
    exclude_appointment_id: int | None = None,
    exclude_class_session_id: int | None = None,
) -> Availability:
    """Everything the engine needs about `staff` (and `service`'s rooms and equipment) between
    start and end, padded by two days on each side so wall-clock days and long bookings at the
    edges are covered. The excluded appointment or class session (one being moved) holds
    neither its staff member nor its units."""
    ids = [s.pk for s in staff]
    if not ids:
        return Availability(calendars=())
    lo, hi = start - timedelta(days=2), end + timedelta(days=2)
    weekly: dict[int, list[WeeklyInterval]] = defaultdict(list)
    overrides: dict[int, dict[date, list[tuple[int, int]]]] = defaultdict(dict)
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    pools: dict[int, tuple[int, int]] = {}
    held: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    params: dict[str, Any] = {
        "ids": ids,
        "lo": lo,
        "hi": hi,
        "lo_day": lo.date(),
        "hi_day": hi.date(),
        "active": [status.value for status in ACTIVE_STATUSES],
        "scheduled": SessionStatus.SCHEDULED.value,
        "exclude": exclude_appointment_id or 0,
        "exclude_session": exclude_class_session_id or 0,
        "service": service.pk if service is not None else 0,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CALENDAR_SQL, params)
        rows = cursor.fetchall()
    for kind, owner_id, a, b, c in rows:
        if kind == 4:
            busy[owner_id].append((a, b))
        elif kind == 6:
            held[owner_id].append((a, b, c))
        elif kind == 1:
            weekly[owner_id].append(WeeklyInterval(a, b, c))
        elif kind == 2:
            intervals = overrides[owner_id].setdefault(_EPOCH_DAY + timedelta(days=a), [])
            if b is not None and c is not None:
                intervals.append((b, c))
        elif kind == 3:
            time_off[owner_id].append((_from_epoch(a), _from_epoch(b)))
        else:
            pools[owner_id] = (a, b)
    calendars = tuple(
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
    resource_ids = sorted(pools)
    return Availability(
        calendars=calendars,
        resources=tuple(
            ResourceLoad(quantity=pools[r][0], need=pools[r][1], spans=tuple(held[r]))
            for r in resource_ids
        ),
        needs=tuple(ResourceNeed(r, pools[r][1]) for r in resource_ids),
    )


def staff_calendars_load(
    *,
    staff: Sequence[StaffMember],
    studio_timezone: str,
    start: datetime,
    end: datetime,
    exclude_appointment_id: int | None = None,
) -> tuple[StaffCalendar, ...]:
    """The staff part of availability_load: working time, time off and busy times."""
    return availability_load(
        staff=staff,
        studio_timezone=studio_timezone,
        start=start,
        end=end,
        exclude_appointment_id=exclude_appointment_id,
    ).calendars


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
    """Bookable starts of `service` with any of `staff`, its rooms and equipment included."""
    loaded = availability_load(
        staff=staff,
        studio_timezone=studio_timezone,
        start=start,
        end=end,
        service=service,
        exclude_appointment_id=exclude_appointment_id,
    )
    request = SlotRequest(
        range_start=start,
        range_end=end,
        now=now,
        staff=loaded.calendars,
        resources=loaded.resources,
    )
    return available_slots(service_rules(service), request)
