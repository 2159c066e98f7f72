"""Fixtures of the notification tests: a bookable staff member and service in alpha (Europe/
London), a customer, and a clock that is passed in (never read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentSource
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_reschedule,
    appointment_transition,
)
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

# A Monday in British Summer Time: 09:00 UTC is 10:00 in London.
NOW = datetime(2027, 6, 10, 8, tzinfo=UTC)
MONDAY_0900_UTC = datetime(2027, 6, 14, 9, tzinfo=UTC)
STUDIO_ACTOR = Actor(label="Front desk")


class FailingEmailBackend:
    """An email backend that refuses every message while `failing` is set (class-wide, so the
    instances Django creates per send see it)."""

    failing = True
    attempts = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        type(self).attempts += 1
        if type(self).failing:
            raise ConnectionRefusedError(111, "Connection refused by the mail server")
        from django.core import mail

        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing_backend(settings) -> type[FailingEmailBackend]:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.tenant_apps.notifications.conftest.FailingEmailBackend"
    FailingEmailBackend.failing = True
    FailingEmailBackend.attempts = 0
    return FailingEmailBackend


@dataclass
class Desk:
    staff: StaffMember
    service: Service
    customer: Customer

    def book(self, start: datetime = MONDAY_0900_UTC, actor: Actor = STUDIO_ACTOR) -> Appointment:
        return appointment_create(
            service=self.service,
            staff=self.staff,
            customer=self.customer,
            start=start,
            source=AppointmentSource.OWNER_APP,
            actor=actor,
            now=NOW,
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )

    def move(self, appointment: Appointment, start: datetime, actor: Actor = STUDIO_ACTOR):
        return appointment_reschedule(
            appointment=appointment,
            start=start,
            staff=None,
            actor=actor,
            now=NOW,
            studio_timezone="Europe/London",
        )

    def set_status(
        self, appointment: Appointment, status: str, reason: str = "", actor: Actor = STUDIO_ACTOR
    ) -> Appointment:
        return appointment_transition(
            appointment=appointment,
            to_status=status,
            actor=actor,
            now=NOW,
            studio_timezone="Europe/London",
            reason=reason,
        )


@pytest.fixture
def desk(in_alpha) -> Desk:  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(display_name="Maya Lind", email="maya@alpha.test")
    weekly_hours_set(staff, start=8 * 60, end=18 * 60)
    service = ServiceFactory(name="Reformer Session", performers=[staff], duration_minutes=55)
    customer = CustomerFactory(full_name="Anna Kowalska", email="anna@example.test")
    return Desk(staff=staff, service=service, customer=customer)
