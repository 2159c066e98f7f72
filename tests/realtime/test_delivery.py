"""The publisher thread (realtime/delivery.py): order, failures, the bound on waiting events,
forks and shutdown, against real Redis servers.

Outages are real: the tests that need one run their own redis-server on a free port and stop
it (SIGTERM), or freeze it (SIGSTOP) to make it stall.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from realtime.delivery import (
    CalendarEvent,
    CalendarPublisher,
    calendar_publisher,
    calendar_publisher_flush,
)
from realtime.protocol import calendar_group_name
from realtime.publish import calendar_event_publish
from realtime.sequence import calendar_seq_current

REDIS_SERVER = shutil.which("redis-server")
LOGGER = "realtime.delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server of this test's own, which it may stop, restart or freeze."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server must be able to exit
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _event(n: int, *, data: dict[str, Any] | None = None, request_id: str = "-") -> CalendarEvent:
    return CalendarEvent(
        schema_name="alpha",
        type="appointment.updated",
        id=n,
        data={"id": n} if data is None else data,
        staff_ids=(),
        request_id=request_id,
    )


def _listen(layer: BaseChannelLayer, schema: str = "alpha") -> str:
    async def join() -> str:
        channel = await layer.new_channel()
        await layer.group_add(calendar_group_name(schema), channel)
        return channel

    return async_to_sync(join)()


def _received(layer: BaseChannelLayer, channel: str, count: int) -> list[tuple[int, int]]:
    """(id, seq) of the next `count` events on `channel`, then proof that no further one
    follows within half a second."""

    async def receive_all() -> list[tuple[int, int]]:
        # One event loop for all of them (the Redis layer keeps its buffers per loop).
        events = []
        for _ in range(count):
            message = await asyncio.wait_for(layer.receive(channel), timeout=10)
            events.append((message["event"]["id"], message["event"]["seq"]))
        with pytest.raises(TimeoutError):
            extra = await asyncio.wait_for(layer.receive(channel), timeout=0.5)
            pytest.fail(f"unexpected event {extra!r}")
        return events

    return async_to_sync(receive_all)()


def _publisher(
    seq_server: PrivateRedis, layer_server: PrivateRedis, **options: Any
) -> CalendarPublisher:
    return CalendarPublisher(
        redis_url=seq_server.url(0),
        layer_factory=lambda: RedisChannelLayer(hosts=[layer_server.url(1)]),
        **options,
    )


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno >= logging.WARNING]


# --- order -----------------------------------------------------------------------------------


def test_a_burst_goes_out_in_commit_order_numbered_one_by_one(
    in_alpha, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = _listen(layer)

    # Given 100 changes committed back to back, each its own on_commit hand-over (100: what a
    # channel holds unread by default)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(100):
            calendar_event_publish(type="appointment.updated", id=n, data={"id": n})

    assert len(callbacks) == 100
    assert _received(layer, channel, 100) == [(n, n + 1) for n in range(100)]
    assert calendar_seq_current("alpha") == 100


def test_events_from_several_threads_each_keep_their_order(private_redis):
    # Given four threads committing 25 changes each, at the same time
    publisher = _publisher(private_redis, private_redis)
    listener = RedisChannelLayer(hosts=[private_redis.url(1)])
    channel = _listen(listener)

    def commit_many(base: int) -> None:
        for n in range(base, base + 25):
            assert publisher.submit(_event(n))

    threads = [threading.Thread(target=commit_many, args=(base,)) for base in (0, 100, 200, 300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert publisher.flush(10)

    received = _received(listener, channel, 100)
    # numbered 1..100 in the order they went out; every thread's events in its own order
    assert [seq for _, seq in received] == list(range(1, 101))
    for base in (0, 100, 200, 300):
        assert [pk for pk, _ in received if base <= pk < base + 25] == list(range(base, base + 25))
    assert publisher.close(5) is True


# --- failures --------------------------------------------------------------------------------


def test_redis_outage_is_logged_and_the_next_event_goes_out(private_redis, caplog):
    publisher = _publisher(private_redis, private_redis)
    listener = RedisChannelLayer(hosts=[private_redis.url(1)])
    channel = _listen(listener)
    assert publisher.submit(_event(1))
    assert publisher.flush(10)
    assert _received(listener, channel, 1) == [(1, 1)]

    # When Redis is down for one event
    private_redis.stop()
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert publisher.submit(_event(2, request_id="req-42"))
    assert publisher.flush(15)

    # Then that event is given up and logged with the studio and the request that committed it,
    # and the publisher is still there
    [record] = _warnings(caplog)
    assert record.getMessage() == "calendar event not published: no sequence number"
    logged = {k: getattr(record, k) for k in ("schema", "request_id", "event_type", "object_id")}
    assert logged == {
        "schema": "alpha",
        "request_id": "req-42",
        "event_type": "appointment.updated",
        "object_id": 2,
    }
    assert record.exc_info is not None
    assert publisher.pending == 0

    # And once Redis is back (empty: it lost the counter and the group) the next one goes out
    private_redis.start()
    listener = RedisChannelLayer(hosts=[private_redis.url(1)])
    channel = _listen(listener)
    caplog.clear()
    assert publisher.submit(_event(3))
    assert publisher.flush(10)
    assert _received(listener, channel, 1) == [(3, 1)]
    assert _warnings(caplog) == []
    assert publisher.close(5) is True


def test_channel_layer_outage_is_logged_with_the_number_it_used(caplog):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    counter, layer_server = PrivateRedis(), PrivateRedis()
    counter.start()
    layer_server.start()
    try:
        publisher = _publisher(counter, layer_server)
        assert publisher.submit(_event(1))
        assert publisher.flush(10)

        # When only the channel layer's Redis is down
        layer_server.stop()
        caplog.set_level(logging.WARNING, logger=LOGGER)
        assert publisher.submit(_event(2))
        assert publisher.flush(15)

        # Then the event took its number (clients see the gap and refetch) and the loss is logged
        [record] = _warnings(caplog)
        assert record.getMessage() == "calendar event not delivered to the channel layer"
        assert (record.schema, record.object_id, record.seq) == ("alpha", 2, 2)  # type: ignore[attr-defined]

        layer_server.start()
        listener = RedisChannelLayer(hosts=[layer_server.url(1)])
        channel = _listen(listener)
        assert publisher.submit(_event(3))
        assert publisher.flush(10)
        assert _received(listener, channel, 1) == [(3, 3)]
        assert publisher.close(5) is True
    finally:
        counter.stop()
        layer_server.stop()


def test_an_event_that_cannot_be_sent_does_not_stop_the_ones_behind_it(private_redis, caplog):
    publisher = _publisher(private_redis, private_redis)
    listener = RedisChannelLayer(hosts=[private_redis.url(1)])
    channel = _listen(listener)
    caplog.set_level(logging.WARNING, logger=LOGGER)

    # Given a payload the channel layer's serializer refuses, then a good event
    assert publisher.submit(_event(1, data={"when": object()}))
    assert publisher.submit(_event(2))
    assert publisher.flush(10)

    [record] = _warnings(caplog)
    assert record.getMessage() == "calendar event not published"
    assert record.levelno == logging.ERROR
    assert record.object_id == 1  # type: ignore[attr-defined]
    # The refused event had taken number 1: the next one shows the gap.
    assert _received(listener, channel, 1) == [(2, 2)]
    assert publisher.close(5) is True


def test_stalled_redis_holds_events_and_drops_those_beyond_the_bound(private_redis, caplog):
    publisher = _publisher(private_redis, private_redis, max_pending=3)
    listener = RedisChannelLayer(hosts=[private_redis.url(1)])
    channel = _listen(listener)
    assert publisher.submit(_event(0))  # connections made while Redis answers
    assert publisher.flush(10)
    caplog.set_level(logging.WARNING, logger=LOGGER)

    # When Redis stops answering (frozen, connections open) and four changes commit
    private_redis.freeze()
    try:
        started = time.perf_counter()
        accepted = [publisher.submit(_event(n)) for n in (1, 2, 3, 4)]
        handing_over = time.perf_counter() - started
        assert publisher.flush(0.2) is False  # still waiting on Redis
        pending_while_stalled = publisher.pending
    finally:
        private_redis.thaw()
    assert publisher.flush(10)

    # Then the committing thread never waited, three events waited and went out in order, the
    # fourth was dropped and logged
    assert handing_over < 0.1
    assert accepted == [True, True, True, False]
    assert pending_while_stalled == 3
    [record] = _warnings(caplog)
    assert record.getMessage() == "calendar event dropped: 3 events already wait to be sent"
    assert record.object_id == 4  # type: ignore[attr-defined]
    assert _received(listener, channel, 4) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert publisher.close(5) is True


# --- shutdown and forks ----------------------------------------------------------------------


def test_close_sends_what_is_pending_then_drops_later_events(private_redis, caplog):
    publisher = _publisher(private_redis, private_redis)
    listener = RedisChannelLayer(hosts=[private_redis.url(1)])
    channel = _listen(listener)
    for n in range(1, 21):
        assert publisher.submit(_event(n))

    assert publisher.close(10) is True

    assert _received(listener, channel, 20) == [(n, n) for n in range(1, 21)]
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert publisher.submit(_event(21)) is False
    [record] = _warnings(caplog)
    assert record.getMessage() == "calendar event dropped: the publisher is closed"
    assert redis.Redis.from_url(private_redis.url(0)).get("t.alpha.calendar.seq") == b"20"


def test_flush_before_any_event_has_nothing_to_wait_for(private_redis):
    publisher = _publisher(private_redis, private_redis)

    assert publisher.flush(0) is True
    assert publisher.pending == 0
    assert publisher.close(0) is True


def test_a_forked_child_makes_its_own_publisher():
    layer = get_channel_layer()
    channel = _listen(layer)
    parent = calendar_publisher()
    assert parent.pid == os.getpid()
    assert parent.submit(_event(1))
    assert calendar_publisher_flush(10)

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: no database, no pytest teardown; report and leave
        report: dict[str, Any] = {}
        try:
            own = calendar_publisher()
            report = {
                "same_object": own is parent,
                "own_pid": own.pid == os.getpid(),
                "submitted": own.submit(_event(2)),
                "flushed": calendar_publisher_flush(10),
                "again_same": calendar_publisher() is own,
            }
        except BaseException as error:
            report = {"error": repr(error)}
        finally:
            os.write(write_end, json.dumps(report).encode())
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(child, 0)
    with os.fdopen(read_end) as pipe:
        report = json.loads(pipe.read())

    # The parent's publisher keeps working after the fork
    assert calendar_publisher() is parent
    assert parent.submit(_event(3))
    assert calendar_publisher_flush(10)

    assert os.waitstatus_to_exitcode(status) == 0
    assert report == {
        "same_object": False,
        "own_pid": True,
        "submitted": True,
        "flushed": True,
        "again_same": True,
    }
    assert _received(layer, channel, 3) == [(1, 1), (2, 2), (3, 3)]


# What a gunicorn worker's life looks like to the publisher: the parent already has a running
# publisher when it forks; the child publishes, then exits normally (the interpreter tears down
# everything, including what it inherited); the parent carries on.
FORK_AND_EXIT = """
import asyncio, json, os, sys
import django
django.setup()
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from realtime.delivery import CalendarEvent, calendar_publisher, calendar_publisher_flush
from realtime.protocol import calendar_group_name

def event(n):
    return CalendarEvent(
        schema_name="forked", type="appointment.updated", id=n, data={"id": n}, staff_ids=()
    )

layer = get_channel_layer()

async def join():
    channel = await layer.new_channel()
    await layer.group_add(calendar_group_name("forked"), channel)
    return channel

channel = async_to_sync(join)()
calendar_publisher().submit(event(1))
assert calendar_publisher_flush(10)
child = os.fork()
if child == 0:
    calendar_publisher().submit(event(2))
    sys.exit(0 if calendar_publisher_flush(10) else 3)
_, status = os.waitpid(child, 0)
calendar_publisher().submit(event(3))
flushed = calendar_publisher_flush(10)

async def receive():
    received = []
    for _ in range(3):
        message = await asyncio.wait_for(layer.receive(channel), 10)
        received.append([message["event"]["id"], message["event"]["seq"]])
    return received

print(json.dumps({"child": os.waitstatus_to_exitcode(status), "flushed": flushed,
                  "events": async_to_sync(receive)()}))
"""


def test_a_child_that_exits_normally_leaves_its_parents_publisher_working():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("t.forked.calendar.seq")
    try:
        result = subprocess.run(
            [sys.executable, "-c", FORK_AND_EXIT],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
            cwd=settings.BASE_DIR,
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        client.delete("t.forked.calendar.seq")
        client.close()

    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout.decode().strip().splitlines()[-1]) == {
        "child": 0,
        "flushed": True,
        "events": [[1, 1], [2, 2], [3, 3]],
    }
