"""What the calendar needs to know about an appointment or a time off, and the publish calls the
scheduling services make (one per committed change).

Payloads are compact and JSON-ready: times in UTC ISO 8601, ids instead of nested objects except
the service (its name and colour draw the event) and the customer's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from realtime import protocol
from realtime.publish import calendar_event_publish
from tenant_apps.scheduling.models import Appointment, TimeOff


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def appointment_payload(appointment: Appointment) -> dict[str, Any]:
    service = appointment.service
    return {
        "id": appointment.pk,
        "reference": appointment.reference,
        "start": _utc(appointment.start),
        "end": _utc(appointment.end),
        "staff": appointment.staff_id,
        "service": {"id": service.pk, "name": service.name, "color": service.color},
        "customer_name": appointment.customer.full_name,
        "status": appointment.status,
    }


def time_off_payload(time_off: TimeOff, *, pk: int | None = None) -> dict[str, Any]:
    return {
        "id": pk if pk is not None else time_off.pk,
        "staff": time_off.staff_id,
        "start": _utc(time_off.start),
        "end": _utc(time_off.end),
        "reason": time_off.reason,
    }


def _appointment_event_type(action: str) -> str:
    if action == "created":
        return protocol.APPOINTMENT_CREATED
    if action == "rescheduled":
        return protocol.APPOINTMENT_RESCHEDULED
    if action.startswith("status:"):
        return protocol.APPOINTMENT_STATUS
    return protocol.APPOINTMENT_UPDATED


def appointment_change_publish(
    *, appointment: Appointment, action: str, before: Mapping[str, Any]
) -> None:
    """Called for every logged appointment change (scheduling.services._log), inside its
    transaction. A move also names where the appointment was, so a calendar can show it."""
    data = appointment_payload(appointment)
    previous_staff = before.get("staff_id")
    if action == "rescheduled" and before:
        data["previous"] = {
            "start": _utc(datetime.fromisoformat(before["start"])),
            "end": _utc(datetime.fromisoformat(before["end"])),
            "staff": previous_staff,
        }
    calendar_event_publish(
        type=_appointment_event_type(action),
        id=appointment.pk,
        data=data,
        staff_ids=(appointment.staff_id, previous_staff),
    )


def time_off_change_publish(
    *, time_off: TimeOff, change: str, previous_staff_id: int | None = None, pk: int | None = None
) -> None:
    """`change` is "created", "updated" or "deleted"; for a deletion pass the id the row had
    (Django clears it on delete)."""
    event_type = {
        "created": protocol.TIME_OFF_CREATED,
        "updated": protocol.TIME_OFF_UPDATED,
        "deleted": protocol.TIME_OFF_DELETED,
    }[change]
    data = time_off_payload(time_off, pk=pk)
    calendar_event_publish(
        type=event_type,
        id=data["id"],
        data=data,
        staff_ids=(time_off.staff_id, previous_staff_id),
    )
