"""Who may see and change appointments: the one place that decides it.

Every member of a studio sees every appointment. Owners and managers change any of them; staff
change only the appointments of the staff profile linked to their own account.
"""

from __future__ import annotations

from shared_apps.core.errors import NotFoundError, PermissionDeniedError
from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors import appointment_get
from tenants.access import MANAGING_ROLES
from tenants.models import Membership


class AppointmentNotFoundError(NotFoundError):
    code = "appointment_not_found"
    title = "No such appointment"


class AppointmentChangeDeniedError(PermissionDeniedError):
    code = "appointment_change_denied"
    title = "You may not change this appointment"


def is_manager(membership: Membership) -> bool:
    return membership.role in MANAGING_ROLES


def may_change_for_staff(membership: Membership, staff: StaffMember) -> bool:
    """Whether the member may change bookings of `staff`: managers always, staff their own."""
    if is_manager(membership):
        return True
    return staff.user_id is not None and staff.user_id == membership.user_id


def access_appointment_by_id(
    *, membership: Membership, appointment_id: int, for_change: bool = False
) -> Appointment:
    """The appointment, if this studio has it (else not found: ids of other studios do not
    exist here). With `for_change`, refused (403) to staff for someone else's appointment:
    they may see it, so hiding it would only confuse."""
    appointment = appointment_get(appointment_id=appointment_id)
    if appointment is None:
        raise AppointmentNotFoundError("There is no appointment with this id in this studio.")
    if for_change and not may_change_for_staff(membership, appointment.staff):
        raise AppointmentChangeDeniedError(
            "Staff can change only their own appointments; ask an owner or a manager."
        )
    return appointment


def access_booking_for_staff(
    *, membership: Membership, staff: StaffMember, allow_outside_hours: bool = False
) -> None:
    """Whether the member may book `staff` (and outside working hours): raises if not."""
    if not may_change_for_staff(membership, staff):
        raise AppointmentChangeDeniedError(
            "Staff can book only their own calendar; ask an owner or a manager.",
            errors={"staff": ["You can book only your own calendar."]},
        )
    if allow_outside_hours and not is_manager(membership):
        raise AppointmentChangeDeniedError(
            "Only owners and managers can book outside working hours.",
            errors={"allow_outside_hours": ["Only owners and managers can do this."]},
        )
