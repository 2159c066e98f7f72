"""The online change policy, as a pure function of the booking's facts and `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tenant_apps.portal.policies import (
    BookingFacts,
    PolicyAction,
    PolicyDecision,
    notice_text,
    policy_decide,
)

START = datetime(2026, 6, 10, 9, tzinfo=UTC)


def facts(status: str = "confirmed", cancel: int = 1440, reschedule: int = 120) -> BookingFacts:
    return BookingFacts(
        status=status,
        start=START,
        cancel_notice_minutes=cancel,
        reschedule_notice_minutes=reschedule,
    )


def test_cancel_allowed_until_one_second_before_the_deadline() -> None:
    decision = policy_decide(
        action=PolicyAction.CANCEL,
        facts=facts(),
        now=START - timedelta(hours=24, seconds=1),
    )
    assert decision == PolicyDecision(allowed=True, deadline=START - timedelta(hours=24), reason="")


def test_cancel_refused_at_the_deadline_with_the_policy_and_the_phone() -> None:
    decision = policy_decide(
        action=PolicyAction.CANCEL,
        facts=facts(),
        now=START - timedelta(hours=24),
        studio_phone="+44 20 7946 0321",
    )
    assert decision == PolicyDecision(
        allowed=False,
        deadline=START - timedelta(hours=24),
        reason="Bookings for this service can be cancelled online up to 24 hours before they "
        "start. Please call the studio on +44 20 7946 0321 to cancel.",
    )


def test_reschedule_uses_its_own_window() -> None:
    # given a 2-hour reschedule window and a 24-hour cancel window, 3 hours before the start
    now = START - timedelta(hours=3)
    # then moving is still possible, cancelling is not
    assert policy_decide(action=PolicyAction.RESCHEDULE, facts=facts(), now=now).allowed is True
    refused = policy_decide(action=PolicyAction.CANCEL, facts=facts(), now=now)
    assert refused.allowed is False
    late = policy_decide(
        action=PolicyAction.RESCHEDULE, facts=facts(), now=START - timedelta(minutes=90)
    )
    assert late.reason == (
        "Bookings for this service can be moved online up to 2 hours before they start. "
        "Please contact the studio to change the time."
    )


@pytest.mark.parametrize("status", ["cancelled", "completed", "rejected", "no_show"])
def test_decided_bookings_cannot_be_changed(status: str) -> None:
    decision = policy_decide(
        action=PolicyAction.CANCEL, facts=facts(status=status), now=START - timedelta(days=5)
    )
    assert decision == PolicyDecision(
        allowed=False,
        deadline=None,
        reason="This booking is no longer active, so it can't be changed.",
    )


def test_started_booking_cannot_be_changed_even_without_notice() -> None:
    decision = policy_decide(
        action=PolicyAction.CANCEL, facts=facts(cancel=0), now=START, studio_phone="0117 123"
    )
    assert decision.allowed is False
    assert decision.reason == (
        "This booking has already started. Please call the studio on 0117 123 to cancel."
    )


def test_pending_booking_follows_the_window() -> None:
    decision = policy_decide(
        action=PolicyAction.CANCEL, facts=facts(status="pending"), now=START - timedelta(days=2)
    )
    assert decision.allowed is True


@pytest.mark.parametrize(
    ("_case", "minutes", "text"),
    [
        ("minutes", 45, "45 minutes"),
        ("one hour", 60, "1 hour"),
        ("hours and minutes", 150, "2 hours 30 minutes"),
        ("a day in hours", 1440, "24 hours"),
        ("two days in hours", 2880, "48 hours"),
        ("days", 4320, "3 days"),
        ("one minute", 1, "1 minute"),
    ],
)
def test_notice_text(_case: str, minutes: int, text: str) -> None:
    assert notice_text(minutes) == text
