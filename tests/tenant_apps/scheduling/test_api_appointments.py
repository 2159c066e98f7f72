"""Owner-side appointment API: list, detail, create, reschedule, status, cancel, notes, activity,
and appointments paid with package credits.

Through the whole stack (test client on alpha's host, real PostgreSQL). Bookings are made some
weeks ahead of the real clock, on Mondays at 10:00 studio time (Europe/London).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification
from tenant_apps.packages.models import CreditEntry, CreditEntryKind, CustomerPackage
from tenant_apps.packages.services import package_product_create, package_sell
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentActivity,
    AppointmentSource,
    AppointmentStatus,
    TimeOff,
)
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

LONDON = ZoneInfo("Europe/London")
PROBLEM = "application/problem+json"
BASE = "/api/v1/appointments/"


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def member(tenant: Tenant, role: str) -> User:
    user = User.objects.create_user(
        f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=f"{role.title()} Person"
    )
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def send(client: TenantClient, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    kwargs: dict[str, Any] = dict(extra)
    if body is not None and method != "get":
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def book(service: Service, staff: StaffMember, customer: Customer, start: datetime) -> Appointment:
    return appointment_create(
        service=service,
        staff=staff,
        customer=customer,
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )


@pytest.fixture
def setup(in_alpha: Tenant) -> dict[str, Any]:
    """Two staff (Ann, Ben) working 9-17 every day, a 60-minute service with a 15-minute
    buffer after, and a customer."""
    ann = StaffMemberFactory(display_name="Ann")
    ben = StaffMemberFactory(display_name="Ben")
    for person in (ann, ben):
        weekly_hours_set(person)
    service = ServiceFactory(name="Massage", performers=[ann, ben], buffer_after_minutes=15)
    return {"ann": ann, "ben": ben, "service": service, "customer": CustomerFactory()}


@pytest.fixture
def owner(alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


def create_body(setup: dict[str, Any], when: datetime, **overrides: Any) -> dict[str, Any]:
    body = {
        "service": setup["service"].pk,
        "staff": setup["ann"].pk,
        "customer": setup["customer"].pk,
        "start": when.isoformat(),
    }
    body.update(overrides)
    return body


# --- create -------------------------------------------------------------------------------------


def test_owner_books_for_an_existing_customer(setup, owner, alpha_owner):
    start = at(monday(), 10)
    response = send(owner, "post", BASE, create_body(setup, start, notes="Bring a towel"))
    assert response.status_code == 201, response.content
    body = response.json()
    appointment = Appointment.objects.get()
    assert body["id"] == appointment.pk
    assert body["reference"] == appointment.reference
    assert body["status"] == "confirmed"
    assert body["source"] == "owner_app"
    assert body["start"] == start.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert body["end"] == (start + timedelta(hours=1)).astimezone(UTC).isoformat().replace(
        "+00:00", "Z"
    )
    assert (body["buffer_before_minutes"], body["buffer_after_minutes"]) == (0, 15)
    assert body["service"] == {
        "id": setup["service"].pk,
        "name": "Massage",
        "duration_minutes": 60,
        "color": "#4f6ef7",
    }
    assert body["staff"]["display_name"] == "Ann"
    assert body["customer"]["id"] == setup["customer"].pk
    assert body["owner_notes"] == "Bring a towel"
    assert (body["price"], body["currency"]) == ("50.00", "GBP")
    assert body["ics_url"] == f"http://alpha.localhost/api/v1/appointments/{appointment.pk}.ics"
    assert appointment.created_by_id == alpha_owner.pk
    assert appointment.source == AppointmentSource.OWNER_APP


def test_owner_books_for_a_new_customer_who_is_created(setup, owner):
    response = send(
        owner,
        "post",
        BASE,
        create_body(
            setup,
            at(monday(), 11),
            customer=None,
            new_customer={"name": "Nia Long", "email": "nia@example.test", "phone": "0700"},
        ),
    )
    assert response.status_code == 201, response.content
    created = Customer.objects.get(email="nia@example.test")
    assert (created.full_name, created.phone) == ("Nia Long", "0700")
    assert response.json()["customer"]["id"] == created.pk


def test_a_new_customer_with_a_known_email_is_the_existing_customer(setup, owner):
    known = setup["customer"]
    response = send(
        owner,
        "post",
        BASE,
        create_body(
            setup,
            at(monday(), 11),
            customer=None,
            new_customer={"name": "Someone", "email": known.email.upper()},
        ),
    )
    assert response.status_code == 201, response.content
    assert response.json()["customer"]["id"] == known.pk
    assert Customer.objects.count() == 1


def test_the_desk_may_book_off_the_grid_and_without_notice(setup, owner):
    soon = timezone.now() + timedelta(minutes=5)
    soon_on_day = at(monday(), 10, 7)
    response = send(owner, "post", BASE, create_body(setup, soon_on_day))
    assert response.status_code == 201, response.content
    assert Appointment.objects.get().start == soon_on_day
    assert soon < soon_on_day


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service": 999999}, "service"),
        ({"staff": 999999}, "staff"),
        ({"customer": 999999}, "customer"),
        ({"service": 2**70}, "service"),
        ({"start": "next tuesday"}, "start"),
        ({"start": "2030-01-07T10:00:00"}, "start"),  # no offset
        ({"start": "9999-12-31T23:30:00+00:00"}, "start"),  # no overflow, a 422
        ({"start": "0001-01-01T00:00:00+00:00"}, "start"),
        ({"customer": None}, "customer"),  # neither customer nor new_customer
        ({"new_customer": {"name": "X", "email": "x@example.test"}}, "customer"),  # both
        ({"customer": None, "new_customer": {"name": "X", "email": "nope"}}, "new_customer.email"),
    ],
)
def test_bad_input_is_a_422_with_field_errors_and_writes_nothing(setup, owner, overrides, field):
    response = send(owner, "post", BASE, create_body(setup, at(monday(), 10), **overrides))
    body = problem(response, 422, "validation_error")
    assert field in body["errors"]
    assert Appointment.objects.count() == 0
    assert Customer.objects.count() == 1


def test_a_staff_member_who_does_not_perform_the_service_is_a_422(setup, owner):
    other = StaffMemberFactory(display_name="Cy")
    weekly_hours_set(other)
    response = send(owner, "post", BASE, create_body(setup, at(monday(), 10), staff=other.pk))
    body = problem(response, 422, "staff_not_offering_service")
    assert body["errors"] == {"staff": ["This staff member does not perform this service."]}
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(
    ("hour", "minute", "code"),
    [
        (10, 30, "slot_taken"),  # overlaps the 10:00 booking
        (11, 0, "slot_taken"),  # inside its 15-minute buffer after
        (17, 0, "outside_hours"),
        (12, 0, "staff_time_off"),
    ],
)
def test_unavailable_times_are_a_409_with_the_reason_and_write_nothing(
    setup, owner, hour, minute, code
):
    day = monday()
    book(setup["service"], setup["ann"], setup["customer"], at(day, 10))
    TimeOff.objects.create(staff=setup["ann"], start=at(day, 12), end=at(day, 13))
    new_customer = {"name": "New", "email": "new@example.test"}
    response = send(
        owner,
        "post",
        BASE,
        create_body(setup, at(day, hour, minute), customer=None, new_customer=new_customer),
    )
    problem(response, 409, code)
    assert Appointment.objects.count() == 1
    assert not Customer.objects.filter(email="new@example.test").exists()


def test_owners_may_book_outside_working_hours_when_they_say_so(setup, owner):
    response = send(
        owner, "post", BASE, create_body(setup, at(monday(), 18), allow_outside_hours=True)
    )
    assert response.status_code == 201, response.content


# --- list ---------------------------------------------------------------------------------------


def test_list_by_range_with_filters(setup, owner):
    day = monday()
    a = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    other_customer = CustomerFactory()
    b = book(setup["service"], setup["ben"], other_customer, at(day, 9))
    c = book(setup["service"], setup["ann"], other_customer, at(day + timedelta(days=1), 9))
    book(setup["service"], setup["ann"], other_customer, at(day + timedelta(days=7), 9))
    c.status = AppointmentStatus.CANCELLED
    c.save(update_fields=["status"])

    def ids(query: str) -> list[int]:
        response = owner.get(f"{BASE}?start={day}&end={day + timedelta(days=1)}{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [a.pk, b.pk, c.pk]
    assert ids(f"&staff={setup['ann'].pk}") == [a.pk, c.pk]
    assert ids(f"&customer={other_customer.pk}") == [b.pk, c.pk]
    assert ids(f"&service={setup['service'].pk}") == [a.pk, b.pk, c.pk]
    assert ids("&status=cancelled") == [c.pk]
    assert ids("&status=cancelled&status=confirmed") == [a.pk, b.pk, c.pk]
    assert ids("&ordering=-start,id") == [c.pk, a.pk, b.pk]


def test_list_accepts_date_times_with_offsets_even_unencoded(setup, owner):
    day = monday()
    a = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    book(setup["service"], setup["ann"], setup["customer"], at(day, 14))
    start = at(day, 8).isoformat()
    end = at(day, 12).isoformat()  # "+00:00" or "+01:00": the "+" arrives as a space
    response = owner.get(f"{BASE}?start={start}&end={end}")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [a.pk]
    assert response.json()["count"] == 1


def test_list_is_paginated(setup, owner):
    day = monday()
    for hour in (9, 11, 13):
        book(setup["service"], setup["ann"], setup["customer"], at(day, hour))
    response = owner.get(f"{BASE}?start={day}&end={day}&limit=2")
    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "limit=2" in body["next"]
    assert "offset=2" in body["next"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "start"),
        ("start=2030-01-01", "end"),
        ("start=yesterday&end=2030-01-02", "start"),
        ("start=2030-01-05&end=2030-01-01", "end"),
        ("start=2030-01-01&end=2030-04-03", "end"),  # 93 days
        ("start=9999-12-30&end=9999-12-31", "start"),
        ("start=2030-01-01T00:00:00Z&end=9999-12-31T23:59:59Z", "end"),
        ("start=2030-01-01&end=2030-01-02&staff=999999", "staff"),
        ("start=2030-01-01&end=2030-01-02&staff=abc", "staff"),
        ("start=2030-01-01&end=2030-01-02&status=lost", "status"),
    ],
)
def test_list_rejects_bad_queries_with_field_errors(setup, owner, query, field):
    body = problem(owner.get(f"{BASE}?{query}"), 422, "validation_error")
    assert field in body["errors"]


def test_a_92_day_range_is_allowed(setup, owner):
    assert owner.get(f"{BASE}?start=2030-01-01&end=2030-04-02").status_code == 200


# --- detail, reschedule, status, cancel, notes, activity ---------------------------------------


def test_detail(setup, owner):
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(monday(), 9))
    response = owner.get(f"{BASE}{appointment.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == appointment.reference
    assert owner.get(f"{BASE}{appointment.pk}").status_code == 200  # no trailing slash
    problem(owner.get(f"{BASE}999999/"), 404, "appointment_not_found")
    problem(owner.get(f"{BASE}{2**70}/"), 404, "appointment_not_found")


def test_reschedule_moves_to_another_time_and_staff(setup, owner):
    day = monday()
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    response = send(
        owner,
        "post",
        f"{BASE}{appointment.pk}/reschedule/",
        {"start": at(day, 14).isoformat(), "staff": setup["ben"].pk},
    )
    assert response.status_code == 200, response.content
    appointment.refresh_from_db()
    assert (appointment.start, appointment.staff_id) == (at(day, 14), setup["ben"].pk)
    assert response.json()["staff"]["display_name"] == "Ben"


def test_reschedule_into_a_taken_time_is_a_409_and_changes_nothing(setup, owner):
    day = monday()
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    book(setup["service"], setup["ann"], CustomerFactory(), at(day, 14))
    response = send(
        owner, "post", f"{BASE}{appointment.pk}/reschedule", {"start": at(day, 14).isoformat()}
    )
    problem(response, 409, "slot_taken")
    appointment.refresh_from_db()
    assert appointment.start == at(day, 9)
    assert not AppointmentActivity.objects.filter(action="rescheduled").exists()


def test_resize_changes_the_length_and_a_later_move_keeps_it(setup, owner):
    # Given Ann's 60-minute massage at 9:00 (15 minutes' buffer after)
    day = monday()
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    url = f"{BASE}{appointment.pk}/reschedule/"

    # When the desk drags its end to 10:30
    response = send(owner, "post", url, {"start": at(day, 9).isoformat(), "duration_minutes": 90})

    # Then it lasts 90 minutes, blocks until 10:45, and the change is logged
    assert response.status_code == 200, response.content
    appointment.refresh_from_db()
    assert (appointment.start, appointment.end) == (at(day, 9), at(day, 10, 30))
    assert appointment.blocked_end == at(day, 10, 45)
    assert response.json()["end"] == at(day, 10, 30).astimezone(UTC).isoformat().replace(
        "+00:00", "Z"
    )
    assert AppointmentActivity.objects.filter(action="rescheduled").count() == 1
    # And when it is dragged to 14:00 afterwards, it keeps its 90 minutes
    response = send(owner, "post", url, {"start": at(day, 14).isoformat()})
    assert response.status_code == 200, response.content
    appointment.refresh_from_db()
    assert (appointment.start, appointment.end) == (at(day, 14), at(day, 15, 30))


def test_resizing_into_the_next_booking_or_past_the_hours_is_refused(setup, owner):
    day = monday()
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    book(setup["service"], setup["ann"], CustomerFactory(), at(day, 11))
    url = f"{BASE}{appointment.pk}/reschedule/"

    # 9:00-10:50 plus 15 minutes' buffer reaches into the 11:00 booking
    problem(
        send(owner, "post", url, {"start": at(day, 9).isoformat(), "duration_minutes": 110}),
        409,
        "slot_taken",
    )
    # a length off the 5-minute steps, or none at all, is a field error
    for minutes in (7, 0, 24 * 60 + 5):
        body = problem(
            send(
                owner, "post", url, {"start": at(day, 9).isoformat(), "duration_minutes": minutes}
            ),
            422,
            "validation_error",
        )
        assert "duration_minutes" in body["errors"]
    # 16:00 for two hours runs past Ann's 17:00 finish
    late = book(setup["service"], setup["ann"], CustomerFactory(), at(day, 16))
    problem(
        send(
            owner,
            "post",
            f"{BASE}{late.pk}/reschedule/",
            {"start": at(day, 16).isoformat(), "duration_minutes": 120},
        ),
        409,
        "outside_hours",
    )
    appointment.refresh_from_db()
    assert (appointment.start, appointment.end) == (at(day, 9), at(day, 10))
    assert not AppointmentActivity.objects.filter(action="rescheduled").exists()


def test_status_changes_follow_the_rules(setup, owner):
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(monday(), 9))
    url = f"{BASE}{appointment.pk}/status/"
    response = send(owner, "post", url, {"status": "completed"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed"
    problem(send(owner, "post", url, {"status": "confirmed"}), 409, "invalid_transition")
    body = problem(send(owner, "post", url, {"status": "pending"}), 422, "validation_error")
    assert "status" in body["errors"]
    body = problem(send(owner, "post", url, {"status": "gone"}), 422, "validation_error")
    assert "status" in body["errors"]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED


def test_pending_bookings_are_confirmed_or_rejected_with_a_reason(setup, owner):
    service: Service = setup["service"]
    service.requires_approval = True
    service.save(update_fields=["requires_approval"])
    day = monday()
    first = book(service, setup["ann"], setup["customer"], at(day, 9))
    second = book(service, setup["ann"], setup["customer"], at(day, 13))
    assert first.status == second.status == AppointmentStatus.PENDING
    response = send(owner, "post", f"{BASE}{first.pk}/status/", {"status": "confirmed"})
    assert response.json()["status"] == "confirmed"
    body = problem(
        send(owner, "post", f"{BASE}{second.pk}/status/", {"status": "rejected"}),
        422,
        "validation_error",
    )
    assert body["errors"] == {"reason": ["Give a reason: the customer is told why."]}
    second.refresh_from_db()
    assert second.status == AppointmentStatus.PENDING
    response = send(
        owner,
        "post",
        f"{BASE}{second.pk}/status/",
        {"status": "rejected", "reason": "Fully booked"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["status_reason"]) == (
        "rejected",
        "Fully booked",
    )


def test_cancel_needs_a_reason_and_frees_the_time(setup, owner):
    day = monday()
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    body = problem(
        send(owner, "post", f"{BASE}{appointment.pk}/cancel/", {}), 422, "validation_error"
    )
    assert "reason" in body["errors"]
    response = send(owner, "post", f"{BASE}{appointment.pk}/cancel", {"reason": "Unwell"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["status_reason"]) == ("cancelled", "Unwell")
    again = send(owner, "post", BASE, create_body(setup, at(day, 9)))
    assert again.status_code == 201, again.content
    problem(
        send(owner, "post", f"{BASE}{appointment.pk}/cancel/", {"reason": "Twice"}),
        409,
        "invalid_transition",
    )


def test_notes_are_changed_and_logged(setup, owner, alpha_owner):
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(monday(), 9))
    response = send(owner, "patch", f"{BASE}{appointment.pk}/", {"owner_notes": "VIP"})
    assert response.status_code == 200, response.content
    assert response.json()["owner_notes"] == "VIP"
    log = AppointmentActivity.objects.get(appointment=appointment, action="notes")
    assert (log.before["owner_notes"], log.after["owner_notes"]) == ("", "VIP")
    assert log.actor_id == alpha_owner.pk
    body = problem(send(owner, "patch", f"{BASE}{appointment.pk}/", {}), 422, "validation_error")
    assert "owner_notes" in body["errors"]


def test_activity_lists_every_change_oldest_first(setup, owner):
    day = monday()
    created = send(owner, "post", BASE, create_body(setup, at(day, 9))).json()
    url = f"{BASE}{created['id']}"
    send(owner, "post", f"{url}/reschedule/", {"start": at(day, 11).isoformat()})
    send(owner, "post", f"{url}/cancel/", {"reason": "Moved away"})
    response = owner.get(f"{url}/activity/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["action"] for row in rows] == ["created", "rescheduled", "status:cancelled"]
    assert rows[0]["actor"] == "Alpha Owner"
    assert rows[1]["before"]["start"] == at(day, 9).astimezone(UTC).isoformat()
    assert rows[1]["after"]["start"] == at(day, 11).astimezone(UTC).isoformat()
    assert rows[2]["after"]["status_reason"] == "Moved away"


# --- permissions and isolation ------------------------------------------------------------------


def test_anonymous_callers_are_refused_everywhere(setup, alpha_client):
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(monday(), 9))
    for method, path in [
        ("get", f"{BASE}?start=2030-01-01&end=2030-01-02"),
        ("post", BASE),
        ("get", f"{BASE}{appointment.pk}/"),
        ("patch", f"{BASE}{appointment.pk}/"),
        ("post", f"{BASE}{appointment.pk}/reschedule/"),
        ("post", f"{BASE}{appointment.pk}/status/"),
        ("post", f"{BASE}{appointment.pk}/cancel/"),
        ("get", f"{BASE}{appointment.pk}/activity/"),
        ("get", f"{BASE}{appointment.pk}.ics"),
    ]:
        problem(send(alpha_client, method, path, {}), 403, "not_authenticated")


def test_members_of_another_studio_get_404_everywhere(setup, alpha_client, beta, beta_owner):
    appointment = book(setup["service"], setup["ann"], setup["customer"], at(monday(), 9))
    alpha_client.force_login(beta_owner)
    for method, path in [
        ("get", f"{BASE}?start=2030-01-01&end=2030-01-02"),
        ("post", BASE),
        ("get", f"{BASE}{appointment.pk}/"),
        ("post", f"{BASE}{appointment.pk}/cancel/"),
        ("get", f"{BASE}{appointment.pk}/activity/"),
        ("get", f"{BASE}{appointment.pk}.ics"),
    ]:
        problem(send(alpha_client, method, path, {}), 404, "not_found")


def test_betas_appointment_ids_do_not_exist_on_alphas_host(
    setup, owner, beta, beta_client, beta_owner
):
    connection.set_tenant(beta)
    beta_staff = StaffMemberFactory(display_name="Beta staff")
    weekly_hours_set(beta_staff)
    beta_service = ServiceFactory(performers=[beta_staff], currency="USD")
    beta_appointment = book(beta_service, beta_staff, CustomerFactory(), at(monday(), 10))
    beta_client.force_login(beta_owner)
    assert beta_client.get(f"{BASE}{beta_appointment.pk}/").status_code == 200
    pk = beta_appointment.pk
    day = monday()
    assert owner.get(f"{BASE}?start={day}&end={day}").json()["count"] == 0
    for method, path in [
        ("get", f"{BASE}{pk}/"),
        ("patch", f"{BASE}{pk}/"),
        ("post", f"{BASE}{pk}/reschedule/"),
        ("post", f"{BASE}{pk}/status/"),
        ("post", f"{BASE}{pk}/cancel/"),
        ("get", f"{BASE}{pk}/activity/"),
        ("get", f"{BASE}{pk}.ics"),
    ]:
        problem(send(owner, method, path, {"reason": "x"}), 404, "appointment_not_found")
    connection.set_tenant(beta)
    beta_appointment.refresh_from_db()
    assert beta_appointment.status == AppointmentStatus.CONFIRMED


@pytest.fixture
def staff_user(setup, alpha) -> User:
    """A staff-role member whose account is linked to Ann's staff profile."""
    user = member(alpha, "staff")
    ann: StaffMember = setup["ann"]
    ann.user = user
    ann.save(update_fields=["user"])
    return user


@pytest.mark.parametrize("role", ["owner", "manager", "staff_own", "staff_other"])
def test_permission_matrix(setup, alpha, alpha_client, alpha_owner, staff_user, role):
    """Owners and managers change anything; staff read everything and change only their own
    appointments (others: 403)."""
    users = {
        "owner": alpha_owner,
        "manager": member(alpha, "manager"),
        "staff_own": staff_user,
        "staff_other": staff_user,
    }
    alpha_client.force_login(users[role])
    day = monday()
    staff = setup["ben"] if role == "staff_other" else setup["ann"]
    mine = book(setup["service"], staff, setup["customer"], at(day, 9))
    allowed = role != "staff_other"

    # Reads: everyone.
    assert alpha_client.get(f"{BASE}?start={day}&end={day}").json()["count"] == 1
    assert alpha_client.get(f"{BASE}{mine.pk}/").status_code == 200
    assert alpha_client.get(f"{BASE}{mine.pk}/activity/").status_code == 200
    assert alpha_client.get(f"{BASE}{mine.pk}.ics").status_code == 200

    writes = [
        ("patch", f"{BASE}{mine.pk}/", {"owner_notes": "n"}),
        ("post", f"{BASE}{mine.pk}/reschedule/", {"start": at(day, 11).isoformat()}),
        ("post", f"{BASE}{mine.pk}/status/", {"status": "completed"}),
    ]
    for method, path, body in writes:
        response = send(alpha_client, method, path, body)
        if allowed:
            assert response.status_code == 200, (path, response.content)
        else:
            problem(response, 403, "appointment_change_denied")
    cancel = send(alpha_client, "post", f"{BASE}{mine.pk}/cancel/", {"reason": "x"})
    if allowed:
        problem(cancel, 409, "invalid_transition")  # already completed above
    else:
        problem(cancel, 403, "appointment_change_denied")
        mine.refresh_from_db()
        assert (mine.status, mine.owner_notes, mine.start) == ("confirmed", "", at(day, 9))


def test_staff_book_only_their_own_calendar_and_never_outside_hours(
    setup, alpha_client, staff_user
):
    alpha_client.force_login(staff_user)
    day = monday()
    response = send(alpha_client, "post", BASE, create_body(setup, at(day, 9)))
    assert response.status_code == 201, response.content
    response = send(
        alpha_client, "post", BASE, create_body(setup, at(day, 9), staff=setup["ben"].pk)
    )
    body = problem(response, 403, "appointment_change_denied")
    assert body["errors"] == {"staff": ["You can book only your own calendar."]}
    response = send(
        alpha_client, "post", BASE, create_body(setup, at(day, 18), allow_outside_hours=True)
    )
    body = problem(response, 403, "appointment_change_denied")
    assert body["errors"] == {"allow_outside_hours": ["Only owners and managers can do this."]}
    assert Appointment.objects.count() == 1


def test_staff_move_their_own_appointments_only_within_their_own_calendar(
    setup, alpha_client, staff_user
):
    alpha_client.force_login(staff_user)
    day = monday()
    mine = book(setup["service"], setup["ann"], setup["customer"], at(day, 9))
    response = send(
        alpha_client,
        "post",
        f"{BASE}{mine.pk}/reschedule/",
        {"start": at(day, 11).isoformat(), "staff": setup["ben"].pk},
    )
    problem(response, 403, "appointment_change_denied")
    mine.refresh_from_db()
    assert (mine.start, mine.staff_id) == (at(day, 9), setup["ann"].pk)


def test_managers_book_anyone_outside_hours(setup, alpha, alpha_client):
    alpha_client.force_login(member(alpha, "manager"))
    response = send(
        alpha_client,
        "post",
        BASE,
        create_body(setup, at(monday(), 18), staff=setup["ben"].pk, allow_outside_hours=True),
    )
    assert response.status_code == 201, response.content


# --- paid with package credits ------------------------------------------------------------------


@pytest.fixture
def package(in_alpha: Tenant, setup: dict[str, Any]) -> CustomerPackage:
    """Three credits for the setup's service, sold to its customer."""
    product = package_product_create(
        tenant=in_alpha,
        data={"name": "Three massages", "credits": 3, "services": [setup["service"].pk]},
    )
    return package_sell(
        customer=setup["customer"],
        product=product,
        sale_method="card_terminal",
        actor=Actor(label="Desk"),
        now=timezone.now(),
    )


def test_a_booking_paid_with_credits_takes_one_from_the_package(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    response = send(
        owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True)
    )

    assert response.status_code == 201, response.content
    package.refresh_from_db()
    assert package.balance == 2
    use = CreditEntry.objects.get(package=package, kind=CreditEntryKind.USE)
    assert (use.amount, use.appointment_id) == (-1, response.json()["id"])


def test_without_a_covering_package_the_booking_is_a_409_and_nothing_is_written(
    setup: dict[str, Any], owner: TenantClient
) -> None:
    response = send(
        owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True)
    )

    problem(response, 409, "insufficient_credits")
    assert Appointment.objects.count() == 0
    assert Notification.objects.count() == 0
    assert CreditEntry.objects.count() == 0


def test_cancelling_returns_the_credit_to_the_same_package(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    booked = send(owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True))
    appointment_id = booked.json()["id"]

    cancelled = send(owner, "post", f"{BASE}{appointment_id}/cancel/", {"reason": "Unwell"})

    assert cancelled.status_code == 200, cancelled.content
    package.refresh_from_db()
    assert package.balance == 3
    refund = CreditEntry.objects.get(kind=CreditEntryKind.REFUND)
    use = CreditEntry.objects.get(kind=CreditEntryKind.USE)
    assert (refund.package_id, refund.amount, refund.refund_of_id) == (package.pk, 1, use.pk)


def test_a_completed_appointment_keeps_its_credit_used(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    booked = send(owner, "post", BASE, create_body(setup, at(monday(), 10), pay_with_credits=True))
    url = f"{BASE}{booked.json()['id']}/status/"

    completed = send(owner, "post", url, {"status": "completed"})

    assert completed.status_code == 200, completed.content
    package.refresh_from_db()
    assert package.balance == 2
    assert not CreditEntry.objects.filter(kind=CreditEntryKind.REFUND).exists()


def test_a_booking_without_credits_leaves_the_package_alone(
    setup: dict[str, Any], owner: TenantClient, package: CustomerPackage
) -> None:
    response = send(owner, "post", BASE, create_body(setup, at(monday(), 10)))

    assert response.status_code == 201, response.content
    package.refresh_from_db()
    assert package.balance == 3
    assert CreditEntry.objects.filter(kind=CreditEntryKind.USE).count() == 0
