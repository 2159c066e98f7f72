"""Reserving, releasing and moving units of rooms and equipment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenant_apps.resources.errors import ResourceUnavailableError
from tenant_apps.resources.models import Reservation, ResourceKind
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import (
    reservations_move,
    reservations_release,
    resources_reserve,
)
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tests.factories.catalog import CustomerFactory, ServiceFactory, StaffMemberFactory
from tests.factories.resources import ResourceFactory

T9 = datetime(2026, 12, 7, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _appointment(n: int = 0) -> Appointment:
    """A holder (its own times don't matter to reservations)."""
    start = T9 + timedelta(days=n)
    return Appointment.objects.create(
        reference=f"RES{n:05d}",
        service=ServiceFactory(),
        staff=StaffMemberFactory(),
        customer=CustomerFactory(),
        status=AppointmentStatus.CONFIRMED,
        source=AppointmentSource.API,
        start=start,
        end=start + HOUR,
        blocked_start=start,
        blocked_end=start + HOUR,
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        price=0,
        currency="GBP",
    )


def _active_units(resource_id: int) -> list[tuple[int, int]]:
    return list(
        Reservation.objects.filter(resource_id=resource_id, is_active=True)
        .order_by("unit")
        .values_list("unit", "appointment_id")
    )


@pytest.fixture
def reformers(in_alpha):
    return ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=3)


def test_reserve_takes_the_lowest_free_units(reformers):
    first, second = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 1)], start=T9, end=T9 + HOUR, appointment=first
    )

    made = resources_reserve(
        needs=[ResourceNeed(reformers.pk, 2)],
        start=T9 + timedelta(minutes=30),
        end=T9 + 2 * HOUR,
        appointment=second,
    )

    assert [(r.unit, r.start, r.end) for r in made] == [
        (2, T9 + timedelta(minutes=30), T9 + 2 * HOUR),
        (3, T9 + timedelta(minutes=30), T9 + 2 * HOUR),
    ]
    assert _active_units(reformers.pk) == [(1, first.pk), (2, second.pk), (3, second.pk)]


def test_reserve_reuses_a_unit_once_its_span_is_over(reformers):
    first, second = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 3)], start=T9, end=T9 + HOUR, appointment=first
    )

    made = resources_reserve(
        needs=[ResourceNeed(reformers.pk, 1)],
        start=T9 + HOUR,  # touching, not overlapping
        end=T9 + 2 * HOUR,
        appointment=second,
    )

    assert [r.unit for r in made] == [1]


def test_reserve_adds_up_needs_for_the_same_resource(reformers):
    holder = _appointment()

    made = resources_reserve(
        needs=[ResourceNeed(reformers.pk, 1), ResourceNeed(reformers.pk, 1)],
        start=T9,
        end=T9 + HOUR,
        appointment=holder,
    )

    assert [r.unit for r in made] == [1, 2]


def test_reserve_refuses_when_every_unit_is_held_and_writes_nothing(reformers):
    first, second = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 3)], start=T9, end=T9 + HOUR, appointment=first
    )

    with pytest.raises(ResourceUnavailableError) as caught:
        resources_reserve(
            needs=[ResourceNeed(reformers.pk, 1)],
            start=T9 + timedelta(minutes=59),
            end=T9 + 2 * HOUR,
            appointment=second,
        )

    assert caught.value.code == "resource_unavailable"
    assert caught.value.status == 409
    assert caught.value.resource_id == reformers.pk
    assert caught.value.detail == "All 3 Reformers are in use at this time."
    assert Reservation.objects.filter(appointment=second).count() == 0


def test_reserve_says_how_many_are_free_when_some_are(reformers):
    first, second = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 2)], start=T9, end=T9 + HOUR, appointment=first
    )

    with pytest.raises(ResourceUnavailableError) as caught:
        resources_reserve(
            needs=[ResourceNeed(reformers.pk, 2)], start=T9, end=T9 + HOUR, appointment=second
        )

    assert caught.value.detail == "Only 1 of 3 Reformers are free at this time; this needs 2."


def test_reserve_is_all_or_nothing_over_several_resources(reformers):
    room = ResourceFactory(name="Small studio")
    first, second = _appointment(0), _appointment(1)
    resources_reserve(needs=[ResourceNeed(room.pk, 1)], start=T9, end=T9 + HOUR, appointment=first)

    with pytest.raises(ResourceUnavailableError) as caught, transaction.atomic():
        resources_reserve(
            needs=[ResourceNeed(reformers.pk, 1), ResourceNeed(room.pk, 1)],
            start=T9,
            end=T9 + HOUR,
            appointment=second,
        )

    assert caught.value.detail == "Small studio is already in use at this time."
    assert Reservation.objects.filter(appointment=second).count() == 0


def test_reserve_refuses_a_switched_off_resource(reformers):
    reformers.is_active = False
    reformers.save(update_fields=["is_active"])

    with pytest.raises(ResourceUnavailableError) as caught:
        resources_reserve(
            needs=[ResourceNeed(reformers.pk, 1)],
            start=T9,
            end=T9 + HOUR,
            appointment=_appointment(),
        )

    assert caught.value.detail == "Reformer is no longer available for bookings."
    assert Reservation.objects.count() == 0


def test_reserve_takes_one_lock_one_read_and_one_insert(reformers):
    room = ResourceFactory(name="Small studio")
    holder = _appointment()

    with CaptureQueriesContext(connection) as queries:
        resources_reserve(
            needs=[ResourceNeed(room.pk, 1), ResourceNeed(reformers.pk, 2)],
            start=T9,
            end=T9 + HOUR,
            appointment=holder,
        )

    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 3
    assert "FOR UPDATE" in sql[0] and 'ORDER BY "resources_resource"."id"' in sql[0]
    assert sql[2].startswith('INSERT INTO "resources_reservation"')


def test_reserve_without_needs_costs_no_query(in_alpha):
    holder = _appointment()

    with CaptureQueriesContext(connection) as queries:
        assert resources_reserve(needs=[], start=T9, end=T9 + HOUR, appointment=holder) == []

    assert queries.captured_queries == []


def test_reserve_wants_exactly_one_holder(reformers):
    with pytest.raises(ValueError, match="exactly one holder"):
        resources_reserve(needs=[ResourceNeed(reformers.pk, 1)], start=T9, end=T9 + HOUR)


def test_release_frees_the_units_and_keeps_the_rows(reformers):
    first, second = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 3)], start=T9, end=T9 + HOUR, appointment=first
    )

    assert reservations_release(appointment=first) == 3
    made = resources_reserve(
        needs=[ResourceNeed(reformers.pk, 3)], start=T9, end=T9 + HOUR, appointment=second
    )

    assert [r.unit for r in made] == [1, 2, 3]
    assert Reservation.objects.filter(appointment=first, is_active=False).count() == 3
    assert reservations_release(appointment=first) == 0


def test_move_is_never_blocked_by_the_holders_own_rows(reformers):
    holder = _appointment()
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 3)], start=T9, end=T9 + HOUR, appointment=holder
    )

    moved = reservations_move(
        needs=[ResourceNeed(reformers.pk, 3)],
        start=T9 + timedelta(minutes=30),
        end=T9 + timedelta(minutes=90),
        appointment=holder,
    )

    assert [(r.unit, r.start) for r in moved] == [
        (u, T9 + timedelta(minutes=30)) for u in (1, 2, 3)
    ]
    assert Reservation.objects.filter(appointment=holder, is_active=True).count() == 3
    assert Reservation.objects.filter(appointment=holder, is_active=False).count() == 3


def test_a_refused_move_keeps_the_old_units(reformers):
    holder, other = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 1)], start=T9, end=T9 + HOUR, appointment=holder
    )
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 3)],
        start=T9 + 2 * HOUR,
        end=T9 + 3 * HOUR,
        appointment=other,
    )

    with pytest.raises(ResourceUnavailableError), transaction.atomic():
        reservations_move(
            needs=[ResourceNeed(reformers.pk, 1)],
            start=T9 + 2 * HOUR,
            end=T9 + 3 * HOUR,
            appointment=holder,
        )

    assert list(
        Reservation.objects.filter(appointment=holder).values_list("unit", "start", "is_active")
    ) == [(1, T9, True)]


def test_move_to_no_needs_releases_everything(reformers):
    holder = _appointment()
    resources_reserve(
        needs=[ResourceNeed(reformers.pk, 2)], start=T9, end=T9 + HOUR, appointment=holder
    )

    assert reservations_move(needs=[], start=T9, end=T9 + HOUR, appointment=holder) == []
    assert Reservation.objects.filter(is_active=True).count() == 0
