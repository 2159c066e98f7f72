"""ASGI middleware of the websocket stack (config/asgi.py):

StudioOriginValidator -> StudioWebsocketMiddleware -> CookieMiddleware -> SessionMiddleware ->
StudioAuthMiddleware -> URLRouter.

django-tenants has no websocket support: consumers never run its HTTP middleware, so the studio
is resolved here from the Host header with the same cached lookup as HTTP
(tenants.resolution.tenant_for_host) and put into the scope as `tenant` and `schema_name`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from channels.auth import AuthMiddleware, get_user
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django_tenants.utils import get_public_schema_name

from realtime.protocol import CLOSE_FORBIDDEN, CLOSE_UNKNOWN
from tenants.db import tenant_connection
from tenants.models import Tenant
from tenants.resolution import tenant_for_host

Scope = dict[str, Any]
Receive = Any
Send = Any
App = Any


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin1"))
    return ""


def _hostname(host: str) -> str:
    domain, _port = split_domain_port(host.lower())
    return domain


async def refuse(receive: Receive, send: Send, *, code: int, reason: str, detail: str) -> None:
    """Refuse a websocket with a close code the client can read: a refusal before the handshake
    reaches browsers only as a generic failure (1006), so accept, explain, then close."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send(
        {
            "type": "websocket.send",
            "text": json.dumps(
                {"type": "refused", "code": reason, "detail": detail, "close_code": code}
            ),
        }
    )
    await send({"type": "websocket.close", "code": code, "reason": reason})


class StudioOriginValidator:
    """The page that opens the socket must be served by the studio's own host.

    Channels' AllowedHostsOriginValidator accepts any allowed host, and every studio's host is
    allowed (".localhost"), so a page on another studio could open a socket here with this
    studio's session cookie (studio subdomains are same-site). Browsers always send Origin on
    websockets; a missing or foreign Origin is refused at the handshake."""

    def __init__(self, application: App) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = urlparse(_header(scope, b"origin"))
        host = _hostname(_header(scope, b"host"))
        if (
            origin.hostname
            and host
            and origin.hostname.lower() == host
            and validate_host(host, settings.ALLOWED_HOSTS)
        ):
            await self.application(scope, receive, send)
            return
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close"})  # HTTP 403 at the handshake


@database_sync_to_async
def _studio_for_host(hostname: str) -> Tenant | None:
    # Domain and Tenant live in public; set it explicitly whatever the shared thread had.
    tenant_connection().set_schema_to_public()
    return tenant_for_host(hostname)


class StudioWebsocketMiddleware:
    """Resolves the studio from the Host header: unknown host -> 4404, suspended or cancelled
    studio -> 4403."""

    def __init__(self, application: App) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hostname = _hostname(_header(scope, b"host"))
        tenant = await _studio_for_host(hostname) if hostname else None
        if tenant is None or tenant.schema_name == get_public_schema_name():
            await refuse(
                receive,
                send,
                code=CLOSE_UNKNOWN,
                reason="unknown_studio",
                detail="No studio is served at this host.",
            )
            return
        if tenant.is_blocked:
            await refuse(
                receive,
                send,
                code=CLOSE_FORBIDDEN,
                reason="studio_unavailable",
                detail="This studio is suspended or closed.",
            )
            return
        await self.application(
            {**scope, "tenant": tenant, "schema_name": tenant.schema_name}, receive, send
        )


def _user_in_studio(scope: Scope) -> Any:
    tenant_connection().set_tenant(scope["tenant"])
    # Channels' own lookup (session keys, backend, session hash check), undecorated so that it
    # runs here, after the schema is set, in this one worker-thread call.
    return get_user.func(scope)


class StudioAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware with the session and user read inside the studio's schema."""

    async def resolve_scope(self, scope: Scope) -> None:
        scope["user"]._wrapped = await database_sync_to_async(_user_in_studio)(scope)


def studio_websocket_stack(inner: App) -> App:
    return StudioOriginValidator(
        StudioWebsocketMiddleware(CookieMiddleware(SessionMiddleware(StudioAuthMiddleware(inner))))
    )
