"""Writing outbox rows: INSERT ... ON CONFLICT (dedupe_key) DO NOTHING, then one delivery task
per new row after commit.

The conflict clause is what makes queueing idempotent under concurrency: two beat runs, a retried
task or a replayed request that try to queue the same message race on the unique key, and the
loser simply inserts nothing (no exception, no aborted transaction, no check-then-insert).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Field

from tenant_apps.notifications.models import Notification
from tenants.task_context import enqueue_on_commit

_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def notifications_muted() -> Iterator[None]:
    """Queue no event emails inside this block: demo seeding and data imports create and age
    hundreds of bookings that nobody should hear about."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notifications_are_muted() -> bool:
    return _muted.get()


def _insert_fields() -> list[Field[Any, Any]]:
    return [f for f in Notification._meta.concrete_fields if not f.primary_key]


def _insert_sql(fields: list[Field[Any, Any]], row_count: int) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields if f.column)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * row_count)
    # Identifiers come from the model's own metadata, values are all parameters.
    return (
        f"INSERT INTO {quote(Notification._meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({quote('dedupe_key')}) DO NOTHING RETURNING {quote('id')}"
    )


def notifications_insert(rows: Iterable[Notification]) -> list[int]:
    """Insert the rows whose dedupe_key is new; returns the ids of those inserted."""
    unique: dict[str, Notification] = {}
    for row in rows:
        unique.setdefault(row.dedupe_key, row)
    if not unique:
        return []
    fields = _insert_fields()
    sql = _insert_sql(fields, len(unique))
    params = [
        field.get_db_prep_save(field.pre_save(row, add=True), connection)
        for row in unique.values()
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(found[0]) for found in cursor.fetchall()]


def notifications_enqueue(notification_ids: Iterable[int]) -> None:
    """One delivery task for the rows, sent after the surrounding transaction commits (nothing
    if it rolls back), in the current studio's schema."""
    # Imported here: tasks import the services that call this.
    from tenant_apps.notifications.tasks import notifications_deliver_many_task

    ids = list(notification_ids)
    if ids:
        enqueue_on_commit(notifications_deliver_many_task, ids)


def notifications_queue(rows: Iterable[Notification]) -> list[int]:
    """Write the rows (skipping known dedupe keys) and schedule their delivery. No savepoint:
    the insert can't fail on a duplicate (ON CONFLICT), and any other failure must take the
    change it belongs to down with it."""
    with transaction.atomic(savepoint=False):
        ids = notifications_insert(rows)
        notifications_enqueue(ids)
    return ids
