"""Publish calendar events after commit.

Writers call `calendar_event_publish` inside their transaction. Nothing leaves the process until
the transaction commits: then the studio's next sequence number is taken from Redis and the
event is sent to the studio's group. A rolled-back change publishes nothing, and a change that
committed is never undone by a failure here (Redis down, channel layer full): the failure is
logged and the clients' next refetch shows the truth.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.db import transaction
from django_tenants.utils import get_public_schema_name
from redis import RedisError

from realtime.protocol import (
    CALENDAR_EVENT_TYPES,
    LAYER_CALENDAR_EVENT,
    calendar_group_name,
)
from realtime.sequence import calendar_seq_next
from tenants.db import current_schema

logger = logging.getLogger(__name__)


def calendar_event_publish(
    *,
    type: str,
    id: int,
    data: dict[str, Any],
    staff_ids: Iterable[int | None] = (),
) -> None:
    """Send `{type, id, seq, data}` to the active studio's calendar group once the current
    transaction commits. `staff_ids` are the staff members the change concerns (for a move:
    before and after); members with the staff role only receive events that name them."""
    if type not in CALENDAR_EVENT_TYPES:
        raise ValueError(f"Unknown calendar event type {type!r}")
    schema_name = current_schema()
    if schema_name == get_public_schema_name():
        raise RuntimeError("Calendar events belong to a studio; no studio schema is active.")
    concerned = sorted({pk for pk in staff_ids if pk is not None})

    def deliver() -> None:
        _deliver(schema_name=schema_name, type=type, id=id, data=data, staff_ids=concerned)

    # robust: whatever happens here, the caller's committed change stands and its response goes out.
    transaction.on_commit(deliver, robust=True)


def _deliver(
    *, schema_name: str, type: str, id: int, data: dict[str, Any], staff_ids: list[int]
) -> None:
    try:
        seq = calendar_seq_next(schema_name)
    except RedisError:
        logger.warning(
            "calendar event not published: no sequence number",
            extra={"schema": schema_name, "event_type": type, "object_id": id},
            exc_info=True,
        )
        return
    message = {
        "type": LAYER_CALENDAR_EVENT,
        "event": {"type": type, "id": id, "seq": seq, "data": data},
        "staff_ids": staff_ids,
    }
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(calendar_group_name(schema_name), message)
    except (RedisError, OSError, ChannelFull):
        logger.warning(
            "calendar event not delivered to the channel layer",
            extra={"schema": schema_name, "event_type": type, "object_id": id, "seq": seq},
            exc_info=True,
        )
