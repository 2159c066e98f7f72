"""The per-process machinery that numbers and sends calendar events after their commit.

Why a thread of its own: sending from the committing thread cost a booking request several
milliseconds (an event loop made for every event by `async_to_sync`, and new Redis connections
with it, because channels-redis keeps its connections per event loop). Here each process has
one daemon thread running one asyncio loop with one channel-layer instance and one Redis client
for the sequence numbers, both keeping their connections. The committing thread only hands the
event over (a few microseconds: a lock, a queue append, a byte written to wake the loop) and
returns.

What holds (realtime/README.md, "Delivery"):
- Nothing is handed over before the commit: `publish.calendar_event_publish` hands over from
  `transaction.on_commit`, so a rolled-back change publishes nothing.
- A process's events are numbered and sent one at a time, in the order they were handed over.
- A failure (Redis down or stalled, the channel layer refusing) is logged and that event is
  dropped; the committed change stands and the next event is tried afresh (connections are
  re-made). Clients notice the gap in `seq` and refetch.
- At most `max_pending` events wait; beyond that new events are dropped and logged, so a stalled
  Redis cannot grow the process without bound.
- Fork-safe: the machinery belongs to the process that made it (gunicorn and Celery fork their
  workers after import). A forked child makes its own on its first event and never touches its
  parent's thread, loop or sockets.
- `calendar_publisher_flush(timeout)` waits until everything handed over so far is sent; the
  process runs it at exit, so a graceful shutdown sends what is pending.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import selectors
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
import redis.asyncio as aioredis
from channels.exceptions import ChannelFull
from channels.layers import DEFAULT_CHANNEL_LAYER, BaseChannelLayer, channel_layers
from django.conf import settings
from django.core.signals import setting_changed
from redis import RedisError

from realtime.protocol import LAYER_CALENDAR_EVENT, calendar_group_name
from realtime.sequence import calendar_seq_take
from shared_apps.core.request_context import request_id_var, schema_var, user_var

logger = logging.getLogger(__name__)

# Longest one step (taking the number, the group send) may take before the event is given up:
# a stalled Redis must not hold the events behind it for ever.
DELIVERY_TIMEOUT = 5.0
MAX_PENDING = 10_000
EXIT_FLUSH_TIMEOUT = 5.0

LayerFactory = Callable[[], BaseChannelLayer | None]
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    schema_name: str
    type: str
    id: int
    data: dict[str, Any]
    staff_ids: tuple[int, ...]
    # The committing request's log context, so the publisher's log lines name it.
    request_id: str = "-"
    user: str = "-"

    def _log_extra(self) -> dict[str, Any]:
        return {"schema": self.schema_name, "event_type": self.type, "object_id": self.id}


class _Stop:
    """Queued by `close`: the worker ends once everything before it is sent."""


class CalendarPublisher:
    """One process's sender. Use `calendar_publisher()`; tests build their own to point it at a
    Redis they can stop."""

    def __init__(
        self,
        *,
        redis_url: str,
        layer_factory: LayerFactory,
        max_pending: int = MAX_PENDING,
        delivery_timeout: float = DELIVERY_TIMEOUT,
    ) -> None:
        self.pid = os.getpid()
        self._redis_url = redis_url
        self._layer_factory = layer_factory
        self._max_pending = max_pending
        self._delivery_timeout = delivery_timeout
        # Guards everything below, and makes "count it, queue it" one step, so the order of
        # hand-over is the order of sending even when several threads commit at once.
        self._lock = threading.Lock()
        self._pending = 0
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[CalendarEvent | threading.Event | _Stop] | None = None
        self._thread: threading.Thread | None = None

    @property
    def pending(self) -> int:
        """Events handed over and not yet sent (or given up)."""
        with self._lock:
            return self._pending

    def submit(self, event: CalendarEvent) -> bool:
        """Queue `event` for sending; False (and logged) when it is dropped instead."""
        with self._lock:
            if self._closed:
                logger.warning(
                    "calendar event dropped: the publisher is closed", extra=event._log_extra()
                )
                return False
            if self._pending >= self._max_pending:
                logger.warning(
                    "calendar event dropped: %d events already wait to be sent",
                    self._pending,
                    extra=event._log_extra(),
                )
                return False
            self._put(event)
            self._pending += 1
            return True

    def flush(self, timeout: float) -> bool:
        """Wait until everything submitted before this call is sent or given up. False if that
        did not happen within `timeout` seconds."""
        if self._thread is threading.current_thread():
            raise RuntimeError("flush() from the publisher's own thread would wait for ever")
        marker = threading.Event()
        with self._lock:
            thread, closed = self._thread, self._closed
            if thread is None:
                return True
            if not closed:
                self._put(marker)
        if closed:  # the thread ends once what was pending is sent
            thread.join(timeout)
            return not thread.is_alive()
        return marker.wait(timeout)

    def close(self, timeout: float) -> bool:
        """Send what is pending (for up to `timeout` seconds), then stop the thread and close
        the connections. Later submits are dropped. False if events were still pending."""
        with self._lock:
            if self._closed:
                return self._pending == 0
            self._closed = True
            if self._thread is None:
                return True
            thread = self._thread
            self._put(_Stop())
        thread.join(timeout)
        return not thread.is_alive()

    # --- the worker thread -----------------------------------------------------------------

    def _put(self, item: CalendarEvent | threading.Event | _Stop) -> None:
        """With the lock held: start the worker on first use, then queue `item`."""
        if self._thread is None:
            self._start()
        assert self._loop is not None and self._queue is not None
        self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    def _start(self) -> None:
        layer = self._layer_factory()
        # poll(2), not epoll: an epoll instance is shared with a forked child, which could then
        # unregister this process's sockets while it tears down what it inherited.
        loop = asyncio.SelectorEventLoop(selectors.PollSelector())
        thread = threading.Thread(
            target=self._run, args=(loop, layer), name="calendar-publisher", daemon=True
        )
        self._loop = loop
        self._queue = asyncio.Queue()
        try:
            thread.start()
        except RuntimeError:  # no new threads at interpreter shutdown: keep nothing
            loop.close()
            raise
        self._thread = thread

    def _run(self, loop: asyncio.AbstractEventLoop, layer: BaseChannelLayer | None) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._consume(layer))
        finally:
            # channels-redis closes its connections of this loop when the loop closes.
            loop.close()

    async def _consume(self, layer: BaseChannelLayer | None) -> None:
        assert self._queue is not None
        sequence = aioredis.Redis.from_url(
            self._redis_url, socket_timeout=2, socket_connect_timeout=2
        )
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, _Stop):
                    return
                if isinstance(item, threading.Event):
                    item.set()
                    continue
                # Log lines carry the studio and request of the change, not this thread's.
                schema_var.set(item.schema_name)
                request_id_var.set(item.request_id)
                user_var.set(item.user)
                try:
                    await self._deliver(item, layer, sequence)
                except Exception:
                    # The top of this thread: one event that cannot be sent (a payload the
                    # serializer refuses, a bug) must not stop the events behind it.
                    logger.exception("calendar event not published", extra=item._log_extra())
                finally:
                    with self._lock:
                        self._pending -= 1
        finally:
            await sequence.aclose()

    async def _step(self, step: Callable[[], Awaitable[_T]]) -> _T:
        """Run `step` within the delivery timeout, and once more if its connection broke.

        The connections stay open between events, so after Redis restarts (or a proxy drops
        idle connections) the first command on each one fails; redis-py discards a connection
        that failed and the retry makes a new one. Retrying can repeat a command that had
        reached Redis: a skipped or repeated `seq`, which clients handle by refetching."""
        try:
            async with asyncio.timeout(self._delivery_timeout):
                return await step()
        except (redis.ConnectionError, ConnectionError):
            async with asyncio.timeout(self._delivery_timeout):
                return await step()

    async def _deliver(
        self, event: CalendarEvent, layer: BaseChannelLayer | None, sequence: aioredis.Redis
    ) -> None:
        try:
            seq = await self._step(lambda: calendar_seq_take(sequence, event.schema_name))
        except (RedisError, OSError):  # OSError includes the TimeoutError of asyncio.timeout
            logger.warning(
                "calendar event not published: no sequence number",
                extra=event._log_extra(),
                exc_info=True,
            )
            return
        if layer is None:
            return
        message = {
            "type": LAYER_CALENDAR_EVENT,
            "event": {"type": event.type, "id": event.id, "seq": seq, "data": event.data},
            "staff_ids": list(event.staff_ids),
        }
        try:
            await self._step(
                lambda: layer.group_send(calendar_group_name(event.schema_name), message)
            )
        except (RedisError, OSError, ChannelFull):
            logger.warning(
                "calendar event not delivered to the channel layer",
                extra={**event._log_extra(), "seq": seq},
                exc_info=True,
            )


# --- the process's publisher ---------------------------------------------------------------


def _configured_layer() -> BaseChannelLayer | None:
    """A channel layer of its own, built from CHANNEL_LAYERS: the shared instance
    (`get_channel_layer()`) is used from other event loops too, and channels-redis's `flush` and
    `close_pools` close every loop's connections, ours included. The layer must reach other
    processes (Redis): the sockets live in the ASGI server, not here."""
    if DEFAULT_CHANNEL_LAYER not in channel_layers:
        return None
    return channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)


_state_lock = threading.Lock()
_publisher: CalendarPublisher | None = None
# A parent's publisher as a forked child sees it: never used, never closed, and kept referenced
# so that garbage collection does not close sockets the parent still uses.
_inherited: list[CalendarPublisher] = []


def calendar_publisher() -> CalendarPublisher:
    """This process's publisher, made on first use (and again in a forked child)."""
    global _publisher
    publisher = _publisher
    if publisher is not None and publisher.pid == os.getpid():
        return publisher
    with _state_lock:
        if _publisher is not None and _publisher.pid != os.getpid():
            _inherited.append(_publisher)
            _publisher = None
        if _publisher is None:
            _publisher = CalendarPublisher(
                redis_url=settings.REDIS_URL, layer_factory=_configured_layer
            )
        return _publisher


def calendar_publisher_flush(timeout: float = 5.0) -> bool:
    """Wait until every event this process handed over so far is sent (or given up). True when
    nothing is pending any more."""
    publisher = _publisher
    if publisher is None or publisher.pid != os.getpid():
        return True
    return publisher.flush(timeout)


def calendar_publisher_reset(timeout: float = 5.0) -> None:
    """Send what is pending and drop this process's publisher; the next event makes a new one
    (after the settings it depends on change)."""
    global _publisher
    with _state_lock:
        publisher, _publisher = _publisher, None
    if publisher is not None and publisher.pid == os.getpid():
        publisher.close(timeout)


def _after_fork_in_child() -> None:
    # The parent's threads did not come along: a lock one of them held stays held here.
    global _state_lock, _publisher
    _state_lock = threading.Lock()
    if _publisher is not None:
        _inherited.append(_publisher)
        _publisher = None


def _send_pending_at_exit() -> None:
    publisher = _publisher
    if publisher is None or publisher.pid != os.getpid():
        return
    if not publisher.close(EXIT_FLUSH_TIMEOUT):
        logger.warning(
            "calendar events still pending at exit were dropped",
            extra={"pending": publisher.pending},
        )


def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"CHANNEL_LAYERS", "REDIS_URL"}:
        calendar_publisher_reset()


os.register_at_fork(after_in_child=_after_fork_in_child)
# Runs while daemon threads still run (before the interpreter stops them).
atexit.register(_send_pending_at_exit)
setting_changed.connect(_settings_changed, dispatch_uid="realtime.delivery.settings_changed")
