"""catalog.selectors.booking_choice_get: a booking's service, staff member and their link in one
query, with exactly what the public booking API may offer (active services, bookable staff)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.catalog.selectors import booking_choice_get
from tests.factories.catalog import ServiceFactory, StaffMemberFactory


def test_a_performing_bookable_person_and_an_active_service_in_one_query(db, in_alpha):
    service = ServiceFactory(name="Deep tissue")
    staff = StaffMemberFactory(display_name="Noor")
    service.staff.add(staff)

    with CaptureQueriesContext(connection) as queries:
        choice = booking_choice_get(service_id=service.pk, staff_id=staff.pk)

    assert len(queries) == 1
    assert choice.performs is True
    assert choice.service is not None and choice.service.pk == service.pk
    assert choice.service.name == "Deep tissue"
    assert choice.service.duration_minutes == service.duration_minutes
    assert choice.staff is not None and choice.staff.display_name == "Noor"
    assert choice.service._state.adding is False  # a loaded row, usable as a foreign key


def test_what_customers_cannot_book_comes_back_as_none(db, in_alpha):
    inactive = ServiceFactory(is_active=False)
    hidden = StaffMemberFactory(is_bookable=False)
    active = ServiceFactory()
    other = StaffMemberFactory()
    inactive.staff.add(hidden)

    choice = booking_choice_get(service_id=inactive.pk, staff_id=hidden.pk)
    assert (choice.service, choice.staff, choice.performs) == (None, None, False)
    choice = booking_choice_get(service_id=active.pk, staff_id=other.pk)
    assert choice.staff is not None and choice.performs is False
    choice = booking_choice_get(service_id=active.pk, staff_id=None)
    assert choice.service is not None and choice.staff is None and choice.performs is False
    choice = booking_choice_get(service_id=999_999, staff_id=999_999)
    assert (choice.service, choice.staff) == (None, None)
