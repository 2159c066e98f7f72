"""Fixtures for websocket tests: real ASGI stack (config.asgi), real Redis channel layer, real
database with committed data.

Websocket scenarios run as one coroutine under `async_to_sync`, so the consumers' database calls
(thread-sensitive) run on this test's thread and connection: every helper here sets the schema
it needs itself, as the consumers do. Work must commit for events to be published, so the
studio fixtures are transactional (`alpha_tx`: the flush afterwards runs on alpha's schema).
Rows these tests commit on public (sessions, users, memberships) are removed explicitly.

Events leave from the publisher's own thread after the commit (realtime/delivery.py): a test
that checks what Redis holds right after a commit calls `calendar_publisher_flush()` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection

from config.asgi import application
from realtime.delivery import calendar_publisher_flush
from realtime.protocol import calendar_seq_key
from shared_apps.accounts.models import User
from tenant_apps.catalog.models import StaffMember
from tenant_apps.catalog.setup import default_booking_page_create
from tenants.models import Membership, Role, Tenant
from tests.conftest import TEST_PASSWORD
from tests.realtime.communicator import WebsocketCommunicator


@pytest.fixture(autouse=True)
def _settled_publisher() -> Iterator[None]:
    """Events that earlier tests (in any folder) committed are sent before this test starts,
    and numbering restarts: the counters they bumped are removed after they went out (the
    suite's cache clearing may have run before). This test's own events are sent before the
    next test starts."""
    assert calendar_publisher_flush(timeout=10)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(*(calendar_seq_key(schema) for schema in ("alpha", "beta")))
    client.close()
    yield
    assert calendar_publisher_flush(timeout=10)


@pytest.fixture(autouse=True)
def _empty_channel_layer(_settled_publisher: None) -> None:
    """Groups left by earlier tests' sockets would only fill up; start from nothing."""
    async_to_sync(get_channel_layer().flush)()


@pytest.fixture
def restore_alpha_defaults(django_db_blocker: Any) -> Iterator[None]:
    """Requested before alpha_tx, so it runs after the flush: puts back what provisioning gave
    alpha (the default booking page) for the tests that run later."""
    yield
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        connection.set_tenant(tenant)
        default_booking_page_create(tenant=tenant)
        connection.set_schema_to_public()


@pytest.fixture
def studio(restore_alpha_defaults: None, alpha_tx: Tenant) -> Tenant:
    """alpha, with whatever the test writes committed."""
    return alpha_tx


@pytest.fixture
def beta_tenant(studio: Tenant) -> Tenant:
    return Tenant.objects.get(slug="beta")


@pytest.fixture
def session_cookie(studio: Tenant) -> Iterator[Callable[[User], bytes]]:
    """`session_cookie(user, **extra)`: the Cookie header of a signed-in session of `user`
    (stored like a login stores it, plus `extra` keys). The sessions are deleted afterwards."""
    keys: list[str] = []
    store_class = import_module(settings.SESSION_ENGINE).SessionStore

    def make(user: User, **extra: Any) -> bytes:
        store = store_class()
        store.update(extra)
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        keys.append(store.session_key)
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode()

    yield make
    Session.objects.filter(session_key__in=keys).delete()


@pytest.fixture
def owners(studio: Tenant) -> dict[str, User]:
    return {
        "alpha": User.objects.get(email="owner@alpha.test"),
        "beta": User.objects.get(email="owner@beta.test"),
    }


@pytest.fixture
def staff_member_user(studio: Tenant) -> Iterator[tuple[User, StaffMember]]:
    """A person with the staff role at alpha, linked to their staff profile there."""
    user = User.objects.create_user("coach@alpha.test", TEST_PASSWORD, full_name="Coach Carla")
    Membership.objects.create(user=user, tenant=studio, role=Role.STAFF)
    connection.set_tenant(studio)
    profile = StaffMember.objects.create(display_name="Carla", user=user)
    yield user, profile
    connection.set_schema_to_public()
    Membership.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).delete()
    connection.set_tenant(studio)


def socket(
    *,
    host: str = "alpha.localhost",
    cookie: bytes | None = None,
    origin: str | None = "same",
    path: str = "/ws/calendar/",
) -> WebsocketCommunicator:
    """A client of the real ASGI application. `origin="same"` sends the page's origin as a
    browser on the studio's own host would."""
    headers = [(b"host", host.encode())]
    if origin == "same":
        origin = f"http://{host}"
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def _refusal(**socket_options: Any) -> dict[str, Any]:
    communicator = socket(**socket_options)
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted so the close code reaches the browser
    message = await communicator.receive_json_from(timeout=5)
    closing = await communicator.receive_output(timeout=5)
    assert closing["type"] == "websocket.close"
    # What a client's close handshake sends back; the consumer then ends.
    await communicator.disconnect(code=closing["code"], timeout=5)
    return {"message": message, "code": closing["code"]}


def refusal(**socket_options: Any) -> dict[str, Any]:
    """Connect with `socket(**socket_options)` and return {"message": the explanation sent
    before closing, "code": the close code}."""
    return async_to_sync(_refusal)(**socket_options)
