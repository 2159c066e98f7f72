"""The studio's online change policy: how long before the start a customer may still cancel or
move a booking themselves. Pure: the appointment's facts and `now` in, a decision out.

Each service sets its own windows (Service.cancel_notice_minutes, reschedule_notice_minutes).
Later than that, or for a booking that is no longer active, the customer is told the rule and
asked to call the studio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class PolicyAction(StrEnum):
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"


@dataclass(frozen=True)
class BookingFacts:
    status: str  # an AppointmentStatus value
    start: datetime
    cancel_notice_minutes: int
    reschedule_notice_minutes: int


@dataclass(frozen=True)
class PolicyDecision:
    allowed: bool
    # The last moment the action is possible online (None when the status rules it out).
    deadline: datetime | None
    # Why not, in words for the customer ("" when allowed).
    reason: str


# Statuses a customer may still change (the others are decided or over).
CHANGEABLE_STATUSES = frozenset({"pending", "confirmed"})

_VERBS = {PolicyAction.CANCEL: "cancelled", PolicyAction.RESCHEDULE: "moved"}
_CALL_VERBS = {PolicyAction.CANCEL: "cancel", PolicyAction.RESCHEDULE: "change the time"}


def notice_text(minutes: int) -> str:
    """The notice as people say it: "90 minutes", "2 hours 30 minutes", "24 hours", "3 days"
    (up to two days people count hours)."""
    if minutes <= 0:
        return "the start"
    if minutes % (24 * 60) == 0 and minutes > 48 * 60:
        return _plural(minutes // (24 * 60), "day")
    hours, mins = divmod(minutes, 60)
    if mins == 0:
        return _plural(hours, "hour")
    if hours == 0:
        return _plural(mins, "minute")
    return f"{_plural(hours, 'hour')} {_plural(mins, 'minute')}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _call(action: PolicyAction, phone: str) -> str:
    verb = _CALL_VERBS[action]
    if phone:
        return f"Please call the studio on {phone} to {verb}."
    return f"Please contact the studio to {verb}."


def policy_decide(
    *, action: PolicyAction, facts: BookingFacts, now: datetime, studio_phone: str = ""
) -> PolicyDecision:
    """May the customer `action` this booking online at `now`? Allowed strictly before the
    deadline (start minus the service's notice)."""
    if facts.status not in CHANGEABLE_STATUSES:
        return PolicyDecision(
            allowed=False,
            deadline=None,
            reason="This booking is no longer active, so it can't be changed.",
        )
    if facts.start <= now:
        return PolicyDecision(
            allowed=False,
            deadline=None,
            reason=f"This booking has already started. {_call(action, studio_phone)}",
        )
    minutes = (
        facts.cancel_notice_minutes
        if action == PolicyAction.CANCEL
        else facts.reschedule_notice_minutes
    )
    deadline = facts.start - timedelta(minutes=minutes)
    if now >= deadline:
        return PolicyDecision(
            allowed=False,
            deadline=deadline,
            reason=(
                f"Bookings for this service can be {_VERBS[action]} online up to "
                f"{notice_text(minutes)} before they start. {_call(action, studio_phone)}"
            ),
        )
    return PolicyDecision(allowed=True, deadline=deadline, reason="")
