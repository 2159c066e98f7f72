"""Working time per staff member over a range, from the slot engine's own rules.

Utilisation divides booked time by the time a person was available: their weekly hours, or a
date's override, minus time off, clipped to the report's range. The engine already turns those
rules into instants (DST included: a 09:00-17:00 day is eight hours on both change days), so
this reuses it instead of keeping a second reading of the same rules that could drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.availability import staff_calendars_load
from tenant_apps.scheduling.engine import working_seconds


def available_minutes_by_staff(
    *, staff: Sequence[StaffMember], studio_timezone: str, start: datetime, end: datetime
) -> dict[int, int]:
    """Available minutes of each staff member in [start, end): one query for all of them."""
    calendars = staff_calendars_load(
        staff=staff, studio_timezone=studio_timezone, start=start, end=end
    )
    return {c.staff_id: working_seconds(c, start, end) // 60 for c in calendars}
