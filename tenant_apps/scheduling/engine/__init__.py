"""The slot engine: pure Python, no Django, no clock, no settings.

Inputs are frozen dataclasses (engine.inputs), outputs are Slot values. Selectors load the inputs
in a constant number of queries; the engine only computes.
"""

from tenant_apps.scheduling.engine.inputs import (
    Busy,
    DateOverride,
    ResourceLoad,
    ServiceRules,
    SlotRequest,
    StaffCalendar,
    WeeklyInterval,
)
from tenant_apps.scheduling.engine.slots import (
    Slot,
    available_slots,
    on_grid,
    resource_blocked,
    resources_fit,
    staff_slots,
    within_working_time,
    working_seconds,
)

__all__ = [
    "Busy",
    "DateOverride",
    "ResourceLoad",
    "ServiceRules",
    "Slot",
    "SlotRequest",
    "StaffCalendar",
    "WeeklyInterval",
    "available_slots",
    "on_grid",
    "resource_blocked",
    "resources_fit",
    "staff_slots",
    "within_working_time",
    "working_seconds",
]
