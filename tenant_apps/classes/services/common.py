"""What every class write shares: the studio's class settings, the live calendar's payload and
the customer's emails. Nothing here changes a seat."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from realtime import protocol
from realtime.publish import calendar_event_publish
from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentStatus,
)
from tenant_apps.notifications.models import NotificationKind
from tenant_apps.notifications.rendering import local, when_short, zone_for
from tenant_apps.notifications.selectors import current_studio
from tenant_apps.notifications.services import customer_message_queue
from tenant_apps.scheduling.public_serializers import utc_json

# The customer's own page for their classes (tenant_apps.classes.portal_views).
PORTAL_CLASSES_PATH = "/portal/classes/"
SCHEDULE_PATH = "/classes/"


def session_payload(session: ClassSession, *, waitlisted: int | None = None) -> dict[str, Any]:
    """What the calendar draws for a session (times in UTC)."""
    if waitlisted is None:
        waitlisted = Enrollment.objects.filter(
            session_id=session.pk, status=EnrollmentStatus.WAITLISTED
        ).count()
    class_type = session.class_type
    instructor = session.instructor
    return {
        "id": session.pk,
        "class_type": {"id": class_type.pk, "name": class_type.name, "color": class_type.color},
        "instructor": {"id": instructor.pk, "name": instructor.display_name},
        "start": utc_json(session.start),
        "end": utc_json(session.end),
        "capacity": session.capacity,
        "taken": session.taken,
        "waitlisted": waitlisted,
        "status": session.status,
    }


def session_publish(
    session: ClassSession,
    *,
    type: str,
    waitlisted: int | None = None,
    previous_instructor_id: int | None = None,
) -> None:
    """Tell the live calendar about a committed change to `session` (after commit)."""
    calendar_event_publish(
        type=type,
        id=session.pk,
        data=session_payload(session, waitlisted=waitlisted),
        staff_ids=(session.instructor_id, previous_instructor_id),
    )


def enrollment_publish(session: ClassSession, *, waitlisted: int | None = None) -> None:
    session_publish(session, type=protocol.ENROLLMENT_CHANGED, waitlisted=waitlisted)


def waitlist_counts(session_ids: list[int]) -> dict[int, int]:
    """Waitlist length per session, in one query."""
    rows = (
        Enrollment.objects.filter(session_id__in=session_ids)
        .values("session_id")
        .annotate(n=Count("id", filter=Q(status=EnrollmentStatus.WAITLISTED)))
    )
    counts = dict.fromkeys(session_ids, 0)
    counts.update({row["session_id"]: row["n"] for row in rows})
    return counts


SUBJECTS = {
    NotificationKind.CLASS_BOOKED: "Class booked: {name} on {when}",
    NotificationKind.CLASS_WAITLISTED: "On the waitlist (no. {position}): {name} on {when}",
    NotificationKind.CLASS_PROMOTED: "You're in: {name} on {when}",
    NotificationKind.CLASS_SPOT_OFFERED: "A spot is free for you: {name} on {when}",
    NotificationKind.CLASS_ENROLLMENT_CANCELLED: "Class booking cancelled: {name} on {when}",
    NotificationKind.CLASS_SESSION_CANCELLED: "Class cancelled: {name} on {when}",
    NotificationKind.CLASS_SESSION_CHANGED: "Class changed: {name} now on {when}",
}


def enrollment_facts(enrollment: Enrollment, session: ClassSession, **extra: Any) -> dict[str, Any]:
    """What the email says about the enrollment, as it is now (JSON-ready)."""
    facts: dict[str, Any] = {
        "class_name": session.class_type.name,
        # The base templates' detail block reads "service".
        "service": session.class_type.name,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "instructor": session.instructor.display_name,
        "staff": session.instructor.display_name,
        "spots": enrollment.spots,
        "reference": enrollment.reference,
        "status": enrollment.status,
        "payment": enrollment.payment,
        "price": str(session.price),
        "currency": session.currency,
        "credits": session.credits * enrollment.spots,
        "customer_name": enrollment.customer.full_name,
        # Paths: the email's links are made absolute on the studio's primary domain when it is
        # rendered (no domain look-up on the booking path).
        "portal_path": PORTAL_CLASSES_PATH,
        "schedule_path": SCHEDULE_PATH,
    }
    facts.update(extra)
    return facts


def enrollment_email(
    *,
    kind: NotificationKind,
    enrollment: Enrollment,
    session: ClassSession,
    dedupe: str,
    **extra: Any,
) -> list[int]:
    """Queue one email to the enrollment's customer (inside the caller's transaction)."""
    customer = enrollment.customer
    if not customer.email:
        return []
    facts = enrollment_facts(enrollment, session, **extra)
    studio = current_studio()
    zone = zone_for(studio.timezone)
    subject = SUBJECTS[kind].format(
        name=session.class_type.name,
        when=when_short(local(facts["start"], zone)),
        position=facts.get("waitlist_position", ""),
    )
    return customer_message_queue(
        kind=kind,
        email=customer.email,
        name=customer.full_name,
        subject=subject,
        facts=facts,
        dedupe_key=f"class:{kind}:{enrollment.pk}:{dedupe}",
    )
