"""Reminders under a controlled clock: due once per reminder time, never twice, whatever runs
twice or dies half-way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.notifications.delivery import notification_deliver, notifications_due
from tenant_apps.notifications.models import Notification, NotificationKind, NotificationSettings
from tenant_apps.notifications.services import notification_settings_update, reminders_queue
from tenant_apps.notifications.tasks import reminders_queue_all
from tenant_apps.portal.links import booking_link_reference
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services import BookingChecks

from .conftest import MONDAY_0900_UTC

T = MONDAY_0900_UTC


def _run(django_capture_on_commit_callbacks, now) -> list[int]:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_queue(now=now)


def _reminders() -> list[tuple[int, str]]:
    return list(
        Notification.objects.filter(kind=NotificationKind.REMINDER)
        .order_by("pk")
        .values_list("context__offset_minutes", "status")
    )


@pytest.fixture
def booked(desk, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        appointment = desk.book(T)  # its confirmation emails go out
    mail.outbox.clear()
    return appointment


def test_each_reminder_goes_out_once(desk, booked, django_capture_on_commit_callbacks):
    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=24, seconds=1)) == []

    assert len(_run(django_capture_on_commit_callbacks, T - timedelta(hours=24))) == 1
    # Beat runs every five minutes (and may run twice): nothing new until the next time.
    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=24)) == []
    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=23, minutes=55)) == []
    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=1, seconds=1)) == []
    assert len(_run(django_capture_on_commit_callbacks, T - timedelta(hours=1))) == 1
    assert _run(django_capture_on_commit_callbacks, T - timedelta(minutes=5)) == []
    assert _run(django_capture_on_commit_callbacks, T + timedelta(minutes=5)) == []

    assert _reminders() == [(1440, "sent"), (60, "sent")]
    day_before, hour_before = mail.outbox
    assert day_before.to == ["Anna Kowalska <anna@example.test>"]
    assert day_before.subject == "Reminder: Reformer Session on Mon 14 Jun, 10:00"
    assert "starts in 24 hours, on Monday 14 June 2027, 10:00 BST" in day_before.body
    assert "starts in 1 hour, on Monday 14 June 2027, 10:00 BST" in hour_before.body
    token = day_before.body.split("/portal/open/")[1].split("/")[0]
    assert booking_link_reference(token) == booked.reference
    assert "DTSTART;TZID=Europe/London:20270614T100000" in day_before.attachments[0][1]


def test_a_crash_between_queueing_and_sending_loses_nothing_and_doubles_nothing(
    booked, django_capture_on_commit_callbacks
):
    # The run commits its rows, then the process dies before the delivery tasks go out.
    with django_capture_on_commit_callbacks(execute=False):
        (reminder_id,) = reminders_queue(now=T - timedelta(hours=1))
    assert mail.outbox == []

    # The next beat run finds the reminder already queued: no second row, nothing sent.
    assert _run(django_capture_on_commit_callbacks, T - timedelta(minutes=55)) == []
    assert _reminders() == [(60, "queued")]

    # The sweeper hands the lost row out again, once.
    due = notifications_due(now=timezone.now() + timedelta(minutes=3))
    assert due == [reminder_id]
    for notification_id in due + due:  # even when handed out twice
        notification_deliver(notification_id=notification_id, now=T - timedelta(minutes=50))

    assert _reminders() == [(60, "sent")]
    assert len(mail.outbox) == 1
    assert notifications_due(now=timezone.now() + timedelta(minutes=3)) == []


def test_a_run_that_dies_half_way_is_redone_by_the_next(booked, django_capture_on_commit_callbacks):
    class Died(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Died),
        transaction.atomic(),
    ):
        reminders_queue(now=T - timedelta(hours=1))
        raise Died

    assert callbacks == []
    assert _reminders() == []
    assert len(_run(django_capture_on_commit_callbacks, T - timedelta(minutes=55))) == 1
    assert _reminders() == [(60, "sent")]


def test_customers_who_opted_out_get_none(desk, booked, django_capture_on_commit_callbacks):
    desk.customer.reminders_enabled = False
    desk.customer.save(update_fields=["reminders_enabled"])

    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=1)) == []

    assert _reminders() == []
    assert mail.outbox == []


@pytest.mark.parametrize("status", [AppointmentStatus.PENDING, AppointmentStatus.CANCELLED])
def test_only_confirmed_bookings_get_reminders(booked, status, django_capture_on_commit_callbacks):
    Appointment.objects.filter(pk=booked.pk).update(status=status)

    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=1)) == []


def test_a_moved_booking_is_reminded_again_for_its_new_time(
    desk, booked, django_capture_on_commit_callbacks
):
    _run(django_capture_on_commit_callbacks, T - timedelta(hours=24))
    new_start = T + timedelta(days=1)
    desk.move(booked, new_start)
    mail.outbox.clear()

    assert len(_run(django_capture_on_commit_callbacks, new_start - timedelta(hours=24))) == 1

    assert _reminders() == [(1440, "sent"), (1440, "sent")]
    assert mail.outbox[0].subject == "Reminder: Reformer Session on Tue 15 Jun, 10:00"


def test_no_day_before_reminder_for_a_booking_made_that_day(
    booked, django_capture_on_commit_callbacks
):
    Appointment.objects.filter(pk=booked.pk).update(created_at=T - timedelta(hours=3))

    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=2)) == []
    assert len(_run(django_capture_on_commit_callbacks, T - timedelta(hours=1))) == 1
    assert _reminders() == [(60, "sent")]


def test_after_an_outage_only_the_latest_reminder_goes_out(
    booked, django_capture_on_commit_callbacks
):
    assert len(_run(django_capture_on_commit_callbacks, T - timedelta(minutes=30))) == 1

    assert _reminders() == [(60, "sent")]
    assert "starts in 1 hour" in mail.outbox[0].body


def test_the_studio_chooses_when_reminders_go_out(booked, django_capture_on_commit_callbacks):
    notification_settings_update(reminder_offsets_minutes=[120])

    assert _run(django_capture_on_commit_callbacks, T - timedelta(hours=24)) == []
    assert len(_run(django_capture_on_commit_callbacks, T - timedelta(hours=2))) == 1
    assert "starts in 2 hours" in mail.outbox[0].body

    notification_settings_update(reminder_offsets_minutes=[])
    Notification.objects.all().delete()

    assert _run(django_capture_on_commit_callbacks, T - timedelta(minutes=30)) == []
    assert NotificationSettings.objects.get().reminder_offsets_minutes == []


def test_beat_queues_reminders_in_every_studio(desk, django_capture_on_commit_callbacks):
    start = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    anytime = BookingChecks(
        enforce_notice_and_horizon=False, enforce_grid=False, allow_outside_hours=True
    )
    from tenant_apps.scheduling.models import AppointmentSource
    from tenant_apps.scheduling.services import appointment_create

    from .conftest import STUDIO_ACTOR

    appointment = appointment_create(
        service=desk.service,
        staff=desk.staff,
        customer=desk.customer,
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=STUDIO_ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=anytime,
    )
    Appointment.objects.filter(pk=appointment.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    connection.set_schema_to_public()

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_all() == 2  # alpha and beta

    with schema_context("alpha"):
        assert _reminders() == [(1440, "sent")]
    with schema_context("beta"):
        assert _reminders() == []
