"""Background work of notifications. Every task runs in one studio's schema: delivery tasks are
sent after commit with the schema captured (tenants.task_context), the beat jobs fan out."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenant_apps.notifications.delivery import notification_deliver, notifications_due
from tenant_apps.notifications.services import reminders_queue
from tenants.db import current_schema
from tenants.task_context import enqueue_in_schema, fan_out_to_studios


@shared_task(name="notifications.notification_deliver", queue="notifications", ignore_result=True)
def notification_deliver_task(notification_id: int) -> str:
    return notification_deliver(notification_id=notification_id, now=timezone.now()).status


@shared_task(
    name="notifications.notifications_deliver_many", queue="notifications", ignore_result=True
)
def notifications_deliver_many_task(notification_ids: list[int]) -> list[str]:
    """The rows one change queued (a booking: the customer, the staff member, the owners), in
    one task: one broker round trip per change instead of one per email. Each row is claimed
    and sent on its own, so one failing address doesn't hold up the others."""
    now = timezone.now()
    return [
        notification_deliver(notification_id=notification_id, now=now).status
        for notification_id in notification_ids
    ]


@shared_task(name="notifications.notifications_sweep", queue="notifications", ignore_result=True)
def notifications_sweep_task() -> int:
    """In one studio: hand out again every row that is owed a delivery (retries that are due,
    rows whose task was lost, abandoned claims)."""
    schema = current_schema()
    due = notifications_due(now=timezone.now())
    for notification_id in due:
        enqueue_in_schema(notification_deliver_task, notification_id, schema_name=schema)
    return len(due)


@shared_task(name="notifications.notifications_sweep_all", ignore_result=True)
def notifications_sweep_all() -> int:
    """Beat, every minute."""
    return fan_out_to_studios(notifications_sweep_task)


@shared_task(name="notifications.reminders_queue", queue="notifications", ignore_result=True)
def reminders_queue_task() -> int:
    return len(reminders_queue(now=timezone.now()))


@shared_task(name="notifications.reminders_queue_all", ignore_result=True)
def reminders_queue_all() -> int:
    """Beat, every five minutes."""
    return fan_out_to_studios(reminders_queue_task)
