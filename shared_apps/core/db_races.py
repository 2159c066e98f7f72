"""Recognising a writer that lost a race for an exclusion constraint.

Two transactions that insert conflicting rows at the same moment each find the other's
uncommitted row while checking the constraint, and each waits for the other: PostgreSQL breaks
the cycle by aborting one of them with a deadlock (SQLSTATE 40P01) instead of the usual
exclusion violation (23P01). Both mean the same thing to the person booking: someone else took
that time a moment ago. The row locks taken before such inserts normally keep this from
happening; these guards are the last word when they don't.
"""

from __future__ import annotations

from django.db import DatabaseError

EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"


def lost_exclusion_race(exc: DatabaseError) -> bool:
    """True when `exc` is an exclusion violation, or a deadlock met while checking one."""
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state == EXCLUSION_VIOLATION:
        return True
    if state == DEADLOCK_DETECTED:
        context = getattr(getattr(cause, "diag", None), "context", None) or ""
        return "exclusion constraint" in context
    return False
