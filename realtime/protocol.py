"""Names shared by the publisher, the consumer and the browser client (see realtime/README.md).

Group names and Redis keys carry the schema name, so two studios never share a stream or a
sequence, whichever process publishes.
"""

from __future__ import annotations

# Close codes (4000-4999 are ours). A client should not retry on any of them without the user
# doing something first (signing in, switching studio).
CLOSE_UNAUTHENTICATED = 4401  # no signed-in user in the session cookie
CLOSE_FORBIDDEN = 4403  # signed in, but not a member of this studio (or the studio is blocked)
CLOSE_UNKNOWN = 4404  # no studio at this host, or no such websocket path

APPOINTMENT_CREATED = "appointment.created"
APPOINTMENT_UPDATED = "appointment.updated"
APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
APPOINTMENT_STATUS = "appointment.status"
APPOINTMENT_DELETED = "appointment.deleted"
TIME_OFF_CREATED = "time_off.created"
TIME_OFF_UPDATED = "time_off.updated"
TIME_OFF_DELETED = "time_off.deleted"
CLASS_SESSION_CREATED = "class_session.created"
CLASS_SESSION_UPDATED = "class_session.updated"
CLASS_SESSION_CANCELLED = "class_session.cancelled"
# A seat taken or given back, a waitlist moving: the session's counts changed.
ENROLLMENT_CHANGED = "enrollment.changed"

CALENDAR_EVENT_TYPES = frozenset(
    {
        APPOINTMENT_CREATED,
        APPOINTMENT_UPDATED,
        APPOINTMENT_RESCHEDULED,
        APPOINTMENT_STATUS,
        APPOINTMENT_DELETED,
        TIME_OFF_CREATED,
        TIME_OFF_UPDATED,
        TIME_OFF_DELETED,
        CLASS_SESSION_CREATED,
        CLASS_SESSION_UPDATED,
        CLASS_SESSION_CANCELLED,
        ENROLLMENT_CHANGED,
    }
)

# The channel-layer message types the consumer handles (methods `calendar_event` and
# `access_changed`).
LAYER_CALENDAR_EVENT = "calendar.event"
LAYER_ACCESS_CHANGED = "access.changed"


def calendar_group_name(schema_name: str) -> str:
    return f"t.{schema_name}.calendar"


def member_group_name(schema_name: str, user_id: int) -> str:
    """One member's sockets on one studio: told when their access there changes."""
    return f"t.{schema_name}.member.{user_id}"


def calendar_seq_key(schema_name: str) -> str:
    return f"t.{schema_name}.calendar.seq"
