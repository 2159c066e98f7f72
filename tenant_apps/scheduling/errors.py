"""Scheduling errors with stable codes (mapped to HTTP by shared_apps.core.problems)."""

from __future__ import annotations

from shared_apps.core.errors import ConflictError, NotFoundError, ValidationFailedError


class SlotUnavailableError(ConflictError):
    """The requested time cannot be booked; `code` says why."""

    title = "This time cannot be booked"

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


SLOT_TAKEN = "slot_taken"
OUTSIDE_HOURS = "outside_hours"
TOO_SOON = "too_soon"
TOO_FAR = "too_far"
STAFF_TIME_OFF = "staff_time_off"
OFF_GRID = "off_grid"
# The same code as tenant_apps.resources.errors.RESOURCE_UNAVAILABLE: a room or the equipment the
# service needs is fully held at this time.
RESOURCE_UNAVAILABLE = "resource_unavailable"

MESSAGES = {
    SLOT_TAKEN: "Another booking already holds this time. Please pick another time.",
    OUTSIDE_HOURS: "This time is outside the staff member's working hours.",
    TOO_SOON: "This time is too soon: the service needs more notice.",
    TOO_FAR: "This time is too far ahead: the service can't be booked that far in advance.",
    STAFF_TIME_OFF: "The staff member is off at this time.",
    OFF_GRID: "Bookings for this service start on its time grid (for example :00, :15, :30).",
    RESOURCE_UNAVAILABLE: (
        "A room or piece of equipment this service needs is fully booked at this time. "
        "Please pick another time."
    ),
}


def slot_unavailable(code: str) -> SlotUnavailableError:
    return SlotUnavailableError(code, MESSAGES[code])


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"
    title = "This status change is not allowed"


class StaffCannotPerformServiceError(ValidationFailedError):
    code = "staff_not_offering_service"
    title = "This staff member does not perform this service"


class IdempotencyMismatchError(ValidationFailedError):
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was used with a different request"


class BookingNotFoundError(NotFoundError):
    """A public look-up by reference and email found nothing (never says which was wrong)."""

    code = "booking_not_found"
    title = "No such booking"
