"""Publish calendar events after commit.

Writers call `calendar_event_publish` inside their transaction. Nothing leaves the process until
the transaction commits: then the event is handed to the process's publisher
(realtime/delivery.py), whose own thread takes the studio's next sequence number from Redis and
sends the event to the studio's group, in the order events were handed over. A rolled-back change
publishes nothing, and a change that committed is never undone or slowed by a failure there
(Redis down, channel layer full): the failure is logged and the clients' next refetch shows the
truth.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django_tenants.utils import get_public_schema_name

from realtime.delivery import CalendarEvent, calendar_publisher
from realtime.protocol import CALENDAR_EVENT_TYPES, LAYER_ACCESS_CHANGED, member_group_name
from shared_apps.core.request_context import request_id_var, user_var
from tenants.db import current_schema


def calendar_event_publish(
    *,
    type: str,
    id: int,
    data: dict[str, Any],
    staff_ids: Iterable[int | None] = (),
) -> None:
    """Send `{type, id, seq, data}` to the active studio's calendar group once the current
    transaction commits. `staff_ids` are the staff members the change concerns (for a move:
    before and after); members with the staff role only receive events that name them.

    `data` is serialized on the publisher's thread after the commit: pass a dict of its own
    (JSON-ready values) and do not change it afterwards."""
    if type not in CALENDAR_EVENT_TYPES:
        raise ValueError(f"Unknown calendar event type {type!r}")
    schema_name = current_schema()
    if schema_name == get_public_schema_name():
        raise RuntimeError("Calendar events belong to a studio; no studio schema is active.")
    event = CalendarEvent(
        schema_name=schema_name,
        type=type,
        id=id,
        data=data,
        staff_ids=tuple(sorted({pk for pk in staff_ids if pk is not None})),
        request_id=request_id_var.get(),
        user=user_var.get(),
    )

    def deliver() -> None:
        calendar_publisher().submit(event)

    # robust: whatever happens here, the caller's committed change stands and its response goes out.
    transaction.on_commit(deliver, robust=True)


logger = logging.getLogger(__name__)


def calendar_access_changed(*, schema_name: str, user_id: int) -> None:
    """Once the current transaction commits, tell `user_id`'s open calendar sockets on the
    studio `schema_name` that their membership changed (removed, or a new role): each checks its
    access again and closes, or starts over with a fresh `hello`. Rare (team changes), so sent
    from the committing thread; a failure is logged, and the socket is still checked again on
    its next connection."""
    group = member_group_name(schema_name, user_id)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, {"type": LAYER_ACCESS_CHANGED})
        except Exception:
            logger.exception("calendar access change not sent", extra={"group": group})

    transaction.on_commit(send, robust=True)
