"""calendar_event_publish: nothing leaves before the commit, and only well-formed events."""

from __future__ import annotations

import pytest

from realtime.delivery import calendar_publisher_flush
from realtime.publish import calendar_event_publish
from realtime.sequence import calendar_seq_current


def test_event_waits_for_the_commit(in_alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_event_publish(type="time_off.created", id=7, data={"id": 7})

    # Inside the transaction nothing is numbered or sent.
    assert len(callbacks) == 1
    assert calendar_publisher_flush(timeout=10)
    assert calendar_seq_current(in_alpha.schema_name) == 0

    callbacks[0]()
    assert calendar_publisher_flush(timeout=10)

    assert calendar_seq_current(in_alpha.schema_name) == 1
    assert calendar_seq_current("beta") == 0


def test_unknown_event_type_is_a_programming_error(in_alpha, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValueError, match=r"appointment\.moved"),
    ):
        calendar_event_publish(type="appointment.moved", id=1, data={})

    assert callbacks == []


def test_events_belong_to_a_studio(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        calendar_event_publish(type="appointment.created", id=1, data={})

    assert callbacks == []
