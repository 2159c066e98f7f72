"""The outbox row is written in the same transaction as the change, and only then sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from tenant_apps.notifications.models import Notification, NotificationKind, NotificationStatus
from tenant_apps.notifications.outbox import notifications_insert, notifications_muted
from tenant_apps.scheduling.models import Appointment


class Abort(Exception):
    pass


def test_a_booking_and_its_emails_commit_together(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appointment = desk.book()

    rows = list(Notification.objects.order_by("pk"))
    assert {(r.kind, r.recipient_email, r.appointment_id) for r in rows} == {
        (NotificationKind.BOOKING_CONFIRMED, "anna@example.test", appointment.pk),
        (NotificationKind.STUDIO_NEW_BOOKING, "maya@alpha.test", appointment.pk),
        (NotificationKind.STUDIO_NEW_BOOKING, "owner@alpha.test", appointment.pk),
    }
    # One delivery task for the change's rows, sent after commit (other apps may add their
    # own callbacks).
    tasks = [c for c in callbacks if c.__qualname__ == "enqueue_on_commit.<locals>.send"]
    assert len(tasks) == 1
    assert {r.status for r in rows} == {NotificationStatus.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Alpha Owner <owner@alpha.test>",
        "Anna Kowalska <anna@example.test>",
        "Maya Lind <maya@alpha.test>",
    ]


def test_a_rolled_back_booking_leaves_no_row_and_sends_nothing(
    desk, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        desk.book()
        assert Notification.objects.count() == 3  # written inside the transaction...
        raise Abort

    assert not Appointment.objects.exists()
    assert not Notification.objects.exists()  # ...and gone with it
    assert callbacks == []
    assert mail.outbox == []


def test_a_rolled_back_status_change_leaves_no_row(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()
    before = Notification.objects.count()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        desk.set_status(appointment, "cancelled", reason="Teacher ill")
        raise Abort

    assert Notification.objects.count() == before
    assert callbacks == []
    assert mail.outbox == []


def test_queueing_the_same_key_twice_inserts_one_row(in_alpha):
    def row() -> Notification:
        return Notification(
            kind=NotificationKind.REMINDER,
            recipient_email="a@example.test",
            recipient_timezone="Europe/London",
            subject="Reminder",
            context={"start": "2027-06-14T09:00:00+00:00"},
            dedupe_key="reminder:1:60:2027-06-14T09:00:00+00:00",
        )

    first = notifications_insert([row(), row()])
    second = notifications_insert([row()])

    assert len(first) == 1
    assert second == []
    stored = Notification.objects.get()
    assert (stored.pk, stored.status, stored.attempts, stored.context) == (
        first[0],
        NotificationStatus.QUEUED,
        0,
        {"start": "2027-06-14T09:00:00+00:00"},
    )
    assert stored.created_at is not None


def test_muted_changes_queue_nothing(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), notifications_muted():
        desk.book()

    assert Appointment.objects.count() == 1
    assert not Notification.objects.exists()
    assert mail.outbox == []
