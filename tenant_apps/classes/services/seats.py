"""The only statements that move `ClassSession.taken`.

Taking seats is one guarded UPDATE: it succeeds only while the session is scheduled and has
room, so no interleaving of requests can overbook (the CHECK taken <= capacity is the database's
last word on top). Giving seats back is the mirror statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from tenant_apps.classes.models import ClassSession, EnrollmentStatus, SessionStatus

TAKE_SQL = (
    "UPDATE classes_classsession SET taken = taken + %s, updated_at = %s "
    "WHERE id = %s AND status = %s AND taken + %s <= capacity RETURNING taken, "
    # The line's length rides along for the live calendar's event (no second round trip).
    "(SELECT count(*) FROM classes_enrollment e WHERE e.session_id = %s AND e.status = %s)"
)
RELEASE_SQL = (
    "UPDATE classes_classsession SET taken = taken - %s, updated_at = %s "
    "WHERE id = %s RETURNING taken"
)
# The waitlist path: lock the session row (joins and promotions queue on it), then read its
# line in a second statement. Two statements on purpose: under READ COMMITTED a statement that
# waited for the lock still reads other tables with the snapshot it started with, so a line
# read in the locking statement would miss the join that just committed ahead of it.
LOCK_SQL = "SELECT taken, capacity, status FROM classes_classsession WHERE id = %s FOR UPDATE"
LINE_SQL = (
    "SELECT max(waitlisted_at), count(*) FROM classes_enrollment "
    "WHERE session_id = %s AND status = %s"
)


@dataclass(frozen=True)
class SessionLock:
    """The locked session's seats and waitlist, as read under the lock."""

    taken: int
    capacity: int
    status: str
    latest_waitlisted_at: datetime | None
    waitlisted: int


def seats_take(*, session: ClassSession, spots: int, now: datetime) -> int | None:
    """Take `spots` seats if there is room: updates `session.taken` and returns the session's
    waitlist length; None (nothing changed) when the seats aren't there."""
    with connection.cursor() as cursor:
        cursor.execute(
            TAKE_SQL,
            [
                spots,
                now,
                session.pk,
                SessionStatus.SCHEDULED,
                spots,
                session.pk,
                EnrollmentStatus.WAITLISTED,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    session.taken = row[0]
    return int(row[1])


def seats_release(*, session: ClassSession, spots: int, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(RELEASE_SQL, [spots, now, session.pk])
        row = cursor.fetchone()
    if row is not None:
        session.taken = row[0]


def session_lock_for_waitlist(*, session: ClassSession) -> SessionLock:
    """Lock the session row (waitlist joins and promotions queue on it) and read its seats and
    its line as they are once the lock is ours; `session` is brought up to date."""
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, [session.pk])
        row = cursor.fetchone()
        assert row is not None, "the session exists: the caller loaded it"
        cursor.execute(LINE_SQL, [session.pk, EnrollmentStatus.WAITLISTED])
        line = cursor.fetchone()
    assert line is not None
    lock = SessionLock(*row, *line)
    session.taken = lock.taken
    session.capacity = lock.capacity
    session.status = lock.status
    return lock
