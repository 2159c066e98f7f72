"""The class emails render (HTML and text) with the facts the services stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils.html import strip_tags

from tenant_apps.classes.models import (
    ClassSettings,
    EnrollmentPayment,
    EnrollmentSource,
    WaitlistMode,
)
from tenant_apps.classes.services import class_session_cancel, enrollment_book, enrollment_cancel
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.notifications.rendering import email_build
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import CustomerFactory
from tests.factories.classes import class_type_make, session_make

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
START = datetime(2026, 11, 5, 18, tzinfo=UTC)
ACTOR = Actor(label="Desk")


def _book(session, customer):
    return enrollment_book(
        session=session,
        customer=customer,
        payment=EnrollmentPayment.AT_STUDIO,
        source=EnrollmentSource.PUBLIC_PAGE,
        actor=ACTOR,
        now=NOW,
    )


def _mail(kind):
    return Notification.objects.filter(kind=kind).order_by("pk").last()


@pytest.mark.parametrize("mode", [WaitlistMode.AUTOMATIC, WaitlistMode.OFFER])
def test_every_class_email_renders(in_alpha, mode):
    ClassSettings.objects.update_or_create(pk=1, defaults={"waitlist_mode": mode})
    session = session_make(class_type=class_type_make("Reformer Flow", capacity=1), start=START)
    first, second, third = CustomerFactory(), CustomerFactory(), CustomerFactory()
    booked = _book(session, first)
    _book(session, second)
    _book(session, third)
    enrollment_cancel(enrollment=booked, actor=ACTOR, now=NOW)
    class_session_cancel(session=session, reason="Roof leak", actor=ACTOR, now=NOW)
    moved = NotificationKind.CLASS_PROMOTED if mode == "automatic" else "class_spot_offered"
    expected = {
        NotificationKind.CLASS_BOOKED: "is confirmed",
        NotificationKind.CLASS_WAITLISTED: "at position 2",
        moved: "Reformer Flow",
        NotificationKind.CLASS_ENROLLMENT_CANCELLED: "is cancelled",
        NotificationKind.CLASS_SESSION_CANCELLED: "Roof leak",
    }
    for kind, phrase in expected.items():
        message = email_build(notification=_mail(kind), studio=in_alpha)
        html = message.alternatives[0][0]
        text_of_html = " ".join(strip_tags(html).split())
        assert phrase in message.body
        assert phrase in text_of_html
        assert "Thursday 5 November 2026, 18:00 GMT" in message.body
        assert "{{" not in message.body and "{%" not in html
    offered_or_promoted = email_build(notification=_mail(moved), studio=in_alpha)
    if mode == "offer":
        assert "http://alpha.localhost:8000/classes/claim/" in offered_or_promoted.body
        assert "Claim my spot" in offered_or_promoted.alternatives[0][0]
    else:
        assert "http://alpha.localhost:8000/portal/classes/" in offered_or_promoted.body
    assert _mail(NotificationKind.CLASS_WAITLISTED).subject.startswith("On the waitlist (no. ")
