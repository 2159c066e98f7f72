"""The live calendar socket (/ws/calendar/): one studio's changes as they commit.

Message contract: realtime/README.md.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from realtime.access import CalendarAccess, calendar_access_get
from realtime.protocol import (
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHENTICATED,
    CLOSE_UNKNOWN,
    calendar_group_name,
    member_group_name,
)
from realtime.sequence import calendar_seq_current

# Redis reads of the counter need no database: keep them off the one thread that serves every
# consumer's database calls.
_seq_current = sync_to_async(calendar_seq_current, thread_sensitive=False)


async def _refusal_send(
    consumer: AsyncJsonWebsocketConsumer, close_code: int, code: str, detail: str
) -> None:
    """The `refused` frame that explains, then the close (realtime/README.md, Connecting)."""
    await consumer.send_json(
        {"type": "refused", "code": code, "detail": detail, "close_code": close_code}
    )
    await consumer.close(code=close_code, reason=code)


class CalendarConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None
    member_group: str | None = None
    access: CalendarAccess | None = None

    async def connect(self) -> None:
        tenant = self.scope["tenant"]
        user = self.scope["user"]
        if not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED, "not_signed_in", "Sign in to the studio.")
            return
        access = await database_sync_to_async(calendar_access_get)(
            tenant=tenant, user=user, session=self.scope["session"]
        )
        if access is None:
            await self._refuse(
                CLOSE_FORBIDDEN, "not_a_member", "You are not a member of this studio."
            )
            return
        self.access = access
        self.group_name = calendar_group_name(tenant.schema_name)
        # Told when this member's access here changes (removed from the team, another role).
        self.member_group = member_group_name(tenant.schema_name, user.pk)
        await self.channel_layer.group_add(self.member_group, self.channel_name)
        # Join before reading the counter: every event numbered after `hello.seq` is then sure
        # to arrive on this socket (see the README's reconnect rule).
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self._hello()

    async def _hello(self) -> None:
        tenant, access = self.scope["tenant"], self.access
        assert access is not None
        await self.send_json(
            {
                "type": "hello",
                "seq": await _seq_current(tenant.schema_name),
                "studio": tenant.slug,
                "role": access.role,
                "staff": access.own_staff_id,
            }
        )

    async def disconnect(self, code: int) -> None:
        for group in (self.group_name, self.member_group):
            if group is not None:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def access_changed(self, message: dict[str, Any]) -> None:
        """The member was removed from the team or given another role (realtime.publish): check
        again. No longer a member: refused and closed, as at connection. Another role: a fresh
        `hello` (the client refetches what it shows) and the events the new role gets."""
        access = await database_sync_to_async(calendar_access_get)(
            tenant=self.scope["tenant"], user=self.scope["user"], session=self.scope["session"]
        )
        if access is None:
            self.access = None
            await _refusal_send(
                self, CLOSE_FORBIDDEN, "not_a_member", "You are no longer a member of this studio."
            )
            return
        self.access = access
        await self._hello()

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "code": "invalid_message"})
            return
        if content.get("type") == "ping":
            seq = await _seq_current(self.scope["schema_name"])
            await self.send_json({"type": "pong", "seq": seq})
            return
        await self.send_json({"type": "error", "code": "unknown_message"})

    async def calendar_event(self, message: dict[str, Any]) -> None:
        """A committed change, from realtime.publish. Members who see only their own schedule
        get just the number of any other change, so their sequence stays gap-free."""
        event = message["event"]
        access = self.access
        if access is None:
            return  # access was withdrawn: the socket is closing
        if not access.sees_everything and access.own_staff_id not in message.get("staff_ids", ()):
            await self.send_json({"type": "seq", "seq": event["seq"]})
            return
        await self.send_json(event)

    async def _refuse(self, code: int, reason: str, detail: str) -> None:
        # Accept first: a refusal before the handshake reaches browsers as a bare 1006.
        await self.accept()
        await _refusal_send(self, code, reason, detail)


class NotFoundConsumer(AsyncJsonWebsocketConsumer):
    """Any other websocket path on a studio host."""

    async def connect(self) -> None:
        await self.accept()
        await _refusal_send(
            self, CLOSE_UNKNOWN, "not_found", "No websocket is served at this path."
        )
