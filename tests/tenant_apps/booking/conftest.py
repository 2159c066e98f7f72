"""A studio set up for the wizard: Ann and Ben work 9-17 London time every day; a massage both
give, a facial only Ben gives that needs approval, a retired service; a booking page "spring"
offering the massage and the facial, with three questions and a policy."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.catalog.models import BookingPage
from tenant_apps.catalog.setup import default_booking_page_create
from tenants.models import Tenant
from tests.factories.catalog import ServiceFactory, StaffMemberFactory, weekly_hours_set

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
QUESTIONS = [
    {"id": "goals", "label": "What would you like to work on?", "type": "text", "required": True},
    {
        "id": "level",
        "label": "Your experience",
        "type": "choice",
        "required": True,
        "choices": ["New to it", "Regular"],
    },
    {"id": "injuries", "label": "I have an injury", "type": "checkbox", "required": False},
]
POLICY = "Cancel at least 24 hours ahead or pay in full."


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), zone)


def slot_text(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def slots_in(html: str, attribute: str = "data-slot") -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


@pytest.fixture
def studio(in_alpha: Tenant) -> dict[str, Any]:
    # The studio's default page "book" (made at sign-up): browser tests' flushes may have
    # removed it from the session's studio.
    default_booking_page_create(tenant=in_alpha)
    ann = StaffMemberFactory(display_name="Ann Archer", bio="Sports massage for runners.")
    ben = StaffMemberFactory(display_name="Ben Brook")
    for person in (ann, ben):
        weekly_hours_set(person)
    massage = ServiceFactory(
        name="Massage", category="Body", performers=[ann, ben], buffer_after_minutes=15
    )
    facial = ServiceFactory(
        name="Facial",
        category="Face",
        performers=[ben],
        price="30.00",
        duration_minutes=45,
        requires_approval=True,
    )
    retired = ServiceFactory(name="Retired", performers=[ann], is_active=False)
    page = BookingPage.objects.create(
        slug="spring", title="Spring offers", questions=QUESTIONS, policy_text=POLICY
    )
    page.services.set([massage, facial])
    return {
        "ann": ann,
        "ben": ben,
        "massage": massage,
        "facial": facial,
        "retired": retired,
        "page": page,
    }


@pytest.fixture
def web(alpha_client: TenantClient) -> TenantClient:
    return alpha_client


def details_body(when: datetime, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slot": slot_text(when),
        "attempt": "attempt-1",
        "full_name": "Pat Doe",
        "email": "pat@example.test",
        "phone": "+44 7700 900123",
        "q_goals": "Lower back",
        "q_level": "Regular",
        "q_injuries": "on",
        "note": "First visit",
        "marketing_consent": "on",
        "accept_policy": "on",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}
