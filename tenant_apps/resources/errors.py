"""Resource errors with stable codes (mapped to HTTP by shared_apps.core.problems)."""

from __future__ import annotations

from shared_apps.core.errors import ConflictError, ValidationFailedError

RESOURCE_UNAVAILABLE = "resource_unavailable"


class ResourceUnavailableError(ConflictError):
    """Not enough free units of a resource over the requested time (or it is switched off);
    `resource_id` says which one."""

    code = RESOURCE_UNAVAILABLE
    title = "A room or piece of equipment this needs is in use"

    def __init__(self, detail: str, *, resource_id: int | None = None) -> None:
        super().__init__(detail)
        self.resource_id = resource_id


class ResourceQuantityError(ValidationFailedError):
    """A resource's quantity can't go below the units its upcoming reservations hold."""

    code = "resource_quantity_in_use"
    title = "Units of this resource are still reserved"
