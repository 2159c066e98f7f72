"""The demo studio's rooms and equipment: added once; the private reformer sessions booked
before the needs existed get their units, and an upcoming one that finds the small studio
taken is cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.resources.demo import resources_demo_seed
from tenant_apps.resources.models import Reservation, Resource, ServiceResourceNeed
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)
MONDAY_10 = datetime(2026, 11, 23, 10, tzinfo=UTC)


def _book(service, staff, start):  # type: ignore[no-untyped-def]
    return appointment_create(
        service=service,
        staff=staff,
        customer=CustomerFactory(),
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=NOW,
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )


def test_the_demo_resources_are_added_once_and_hold_the_private_sessions(in_alpha):
    ann, ben = StaffMemberFactory(display_name="Ann"), StaffMemberFactory(display_name="Ben")
    weekly_hours_set(ann)
    weekly_hours_set(ben)
    private = ServiceFactory(name="Private Reformer Session", performers=[ann, ben])
    with notifications_muted():
        first = _book(private, ann, MONDAY_10)
        clash = _book(private, ben, MONDAY_10 + timedelta(minutes=30))
        later = _book(private, ben, MONDAY_10 + timedelta(hours=3))

        resources = resources_demo_seed(now=NOW, studio_timezone="Europe/London")
        resources_demo_seed(now=NOW, studio_timezone="Europe/London")

    assert sorted(Resource.objects.values_list("name", "kind", "quantity")) == [
        ("Reformer", "equipment", 12),
        ("Reformer studio", "room", 1),
        ("Small studio", "room", 1),
    ]
    assert set(resources) == {"Reformer", "Reformer studio", "Small studio"}
    assert sorted(
        ServiceResourceNeed.objects.filter(service=private).values_list(
            "resource__name", "quantity"
        )
    ) == [("Reformer", 1), ("Small studio", 1)]
    held = sorted(
        Reservation.objects.filter(is_active=True).values_list("appointment_id", "resource__name")
    )
    assert held == sorted(
        [
            (first.pk, "Reformer"),
            (first.pk, "Small studio"),
            (later.pk, "Reformer"),
            (later.pk, "Small studio"),
        ]
    )
    clash.refresh_from_db()
    assert clash.status == AppointmentStatus.CANCELLED
    assert clash.status_reason == "The small studio was already booked at this time."
    assert Appointment.objects.filter(status=AppointmentStatus.CONFIRMED).count() == 2
