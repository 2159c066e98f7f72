"""The live calendar hears of class changes once they commit: sessions created and cancelled,
seats taken, with the counts the calendar draws."""

from __future__ import annotations

from datetime import UTC, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from realtime.protocol import calendar_group_name
from tenant_apps.classes.models import EnrollmentPayment, EnrollmentSource
from tenant_apps.classes.services import (
    class_session_cancel,
    class_session_create,
    enrollment_book,
)
from tenant_apps.classes.tasks import waitlist_housekeeping_all
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import CustomerFactory
from tests.factories.classes import class_type_make

ACTOR = Actor(label="Desk")


def _listen(schema: str) -> tuple[object, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(calendar_group_name(schema), channel)
    return layer, channel


def _events(layer, channel, count):  # type: ignore[no-untyped-def]
    async def receive_all():  # type: ignore[no-untyped-def]
        # One event loop for all of them (the Redis layer keeps its buffers per loop).
        return [(await layer.receive(channel))["event"] for _ in range(count)]

    return async_to_sync(receive_all)()


def test_session_and_enrollment_events_after_commit(in_alpha, django_capture_on_commit_callbacks):
    layer, channel = _listen(in_alpha.schema_name)
    class_type = class_type_make("Reformer Flow", capacity=1)
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        session = class_session_create(
            class_type=class_type,
            start=start,
            actor=ACTOR,
            now=timezone.now(),
            studio_timezone="Europe/London",
        )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            enrollment_book(
                session=session,
                customer=CustomerFactory(),
                payment=EnrollmentPayment.AT_STUDIO,
                source=EnrollmentSource.OWNER_APP,
                actor=ACTOR,
                now=timezone.now(),
            )
    with django_capture_on_commit_callbacks(execute=True):
        class_session_cancel(session=session, reason="Closed", actor=ACTOR, now=timezone.now())
    created, seat, waiting, cancelled = _events(layer, channel, 4)
    utc_start = start.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert created == {
        "type": "class_session.created",
        "id": session.pk,
        "seq": created["seq"],
        "data": {
            "id": session.pk,
            "class_type": {"id": class_type.pk, "name": "Reformer Flow", "color": "#2f9e8f"},
            "instructor": {
                "id": class_type.default_instructor.pk,
                "name": class_type.default_instructor.display_name,
            },
            "start": utc_start,
            "end": (start + timedelta(hours=1)).astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "capacity": 1,
            "taken": 0,
            "waitlisted": 0,
            "status": "scheduled",
        },
    }
    assert [(e["type"], e["data"]["taken"], e["data"]["waitlisted"]) for e in (seat, waiting)] == [
        ("enrollment.changed", 1, 0),
        ("enrollment.changed", 1, 1),
    ]
    assert (cancelled["type"], cancelled["data"]["status"], cancelled["data"]["taken"]) == (
        "class_session.cancelled",
        "cancelled",
        0,
    )
    assert [created["seq"] + n for n in range(4)] == [
        e["seq"] for e in (created, seat, waiting, cancelled)
    ]


def test_housekeeping_fans_out_to_every_studio(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_housekeeping_all() == 2  # alpha and beta
