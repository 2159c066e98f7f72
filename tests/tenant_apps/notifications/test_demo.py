"""The demo studio's delivery log: some history, added once, nothing sent."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.core import mail

from tenant_apps.notifications.delivery import notifications_due
from tenant_apps.notifications.demo import notifications_demo_seed
from tenant_apps.notifications.models import Notification, NotificationSettings
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.scheduling.models import AppointmentStatus

from .conftest import MONDAY_0900_UTC


def test_demo_history_is_added_once_and_never_sent(desk, django_capture_on_commit_callbacks):
    now = MONDAY_0900_UTC - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True), notifications_muted():
        soon = desk.book(MONDAY_0900_UTC)
        later = desk.book(MONDAY_0900_UTC + timedelta(days=1))
        cancelled = desk.book(MONDAY_0900_UTC + timedelta(days=2))
        desk.set_status(cancelled, AppointmentStatus.CANCELLED, reason="Away")
        done = desk.book(MONDAY_0900_UTC - timedelta(days=1))
        desk.set_status(done, AppointmentStatus.COMPLETED)
    assert not Notification.objects.exists()  # muted: the bookings themselves sent nothing

    with django_capture_on_commit_callbacks(execute=True):
        added = notifications_demo_seed(now=now)
        again = notifications_demo_seed(now=now)

    assert (added, again) == (5, 0)
    rows = Counter(Notification.objects.values_list("kind", "status", "appointment_id"))
    assert rows == Counter(
        {
            ("booking_confirmed", "failed", later.pk): 1,  # the bounced address
            ("booking_confirmed", "sent", soon.pk): 1,
            ("reminder", "sent", soon.pk): 1,
            ("review_invitation", "sent", done.pk): 1,
            ("reminder", "skipped", cancelled.pk): 1,
        }
    )
    assert Notification.objects.get(status="failed").last_error.startswith("SMTPRecipientsRefused")
    assert NotificationSettings.objects.get().reminder_offsets_minutes == [1440, 60]
    assert mail.outbox == []
    assert notifications_due(now=now + timedelta(days=30)) == []
