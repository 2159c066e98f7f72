from __future__ import annotations

from datetime import timedelta

import pytest

from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import (
    MONDAY_10,
    book,
    problem,
    send,
    studio_rows,
)

URL = "/api/v1/customers/"


def test_create_a_customer(owner_client):
    response = send(
        owner_client,
        "post",
        URL,
        {
            "full_name": " Jane Doe ",
            "email": "Jane@Example.test",
            "phone": "+44 20 7946 0123",
            "notes": "Knee injury in 2024.",
            "tags": ["VIP", " prenatal ", "vip", ""],
            "marketing_consent": True,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    customer = Customer.objects.get()
    assert body == {
        "id": customer.pk,
        "full_name": "Jane Doe",
        "email": "Jane@Example.test",
        "phone": "+44 20 7946 0123",
        "notes": "Knee injury in 2024.",
        "tags": ["VIP", "prenatal"],
        "marketing_consent": True,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_an_email_address_belongs_to_one_customer_whatever_its_case(owner_client):
    CustomerFactory(email="jane@example.test")
    before = studio_rows()

    response = send(
        owner_client, "post", URL, {"full_name": "Jane Again", "email": "JANE@example.TEST"}
    )

    body = problem(response, 409, "customer_email_taken")
    assert body["errors"] == {"email": ["Another customer already has this email address."]}
    assert studio_rows() == before


def test_changing_to_a_taken_email_is_refused_but_keeping_ones_own_is_fine(owner_client):
    CustomerFactory(email="taken@example.test")
    jane = CustomerFactory(email="jane@example.test")

    taken = send(owner_client, "patch", f"{URL}{jane.pk}/", {"email": "Taken@example.test"})
    own = send(owner_client, "patch", f"{URL}{jane.pk}/", {"email": "JANE@example.test"})

    problem(taken, 409, "customer_email_taken")
    assert own.status_code == 200
    assert own.json()["email"] == "JANE@example.test"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"email": "jane"}, {"email": ["Enter a valid email address."]}),
        ({"email": ""}, {"email": ["This field may not be blank."]}),
        ({"full_name": ""}, {"full_name": ["This field may not be blank."]}),
        ({"full_name": "   "}, {"full_name": ["This field may not be blank."]}),
        ({"phone": "call me"}, {"phone": ["Enter a phone number, e.g. +44 20 7946 0321."]}),
        ({"tags": ["x" * 41]}, {"tags.0": ["Ensure this field has no more than 40 characters."]}),
        ({"tags": "vip"}, {"tags": ['Expected a list of items but got type "str".']}),
        ({"marketing_consent": "maybe"}, {"marketing_consent": ["Must be a valid boolean."]}),
    ],
)
def test_invalid_customers_are_refused(owner_client, changes, errors):
    before = studio_rows()

    response = send(
        owner_client, "post", URL, {"full_name": "Jane", "email": "jane@x.test", **changes}
    )

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_list_search_tag_filter_ordering_and_pages(owner_client):
    CustomerFactory(full_name="Ann Lee", email="ann@x.test", phone="+44 1111", tags=["VIP"])
    CustomerFactory(full_name="Bob Ray", email="bob@y.test", phone="+44 2222")
    CustomerFactory(full_name="Cat Kim", email="cat@y.test", tags=["prenatal", "vip"])

    def names(params):
        response = owner_client.get(URL, params)
        assert response.status_code == 200
        return [item["full_name"] for item in response.json()["results"]]

    assert names({}) == ["Ann Lee", "Bob Ray", "Cat Kim"]
    assert names({"search": "y.TEST"}) == ["Bob Ray", "Cat Kim"]
    assert names({"search": "2222"}) == ["Bob Ray"]
    assert names({"search": "kim"}) == ["Cat Kim"]
    assert names({"tag": "vip"}) == ["Ann Lee", "Cat Kim"]
    assert names({"tag": "prenatal", "ordering": "-full_name"}) == ["Cat Kim"]
    assert names({"ordering": "-email"}) == ["Cat Kim", "Bob Ray", "Ann Lee"]
    assert names({"limit": 1, "offset": 1}) == ["Bob Ray"]
    assert owner_client.get(URL, {"limit": 1}).json()["count"] == 3


def test_retrieve_replace_and_unknown(owner_client):
    jane = CustomerFactory(full_name="Jane", email="jane@x.test", notes="old")

    put = send(
        owner_client,
        "put",
        f"{URL}{jane.pk}/",
        {"full_name": "Jane Doe", "email": "jane.doe@x.test", "tags": ["vip"]},
    )
    got = owner_client.get(f"{URL}{jane.pk}/")

    assert put.status_code == 200
    assert got.json()["full_name"] == "Jane Doe"
    assert got.json()["email"] == "jane.doe@x.test"
    assert got.json()["notes"] == "old"
    assert got.json()["tags"] == ["vip"]
    problem(owner_client.get(f"{URL}{jane.pk + 500}/"), 404, "not_found")


def test_delete_a_customer_without_bookings(owner_client):
    jane = CustomerFactory()

    response = owner_client.delete(f"{URL}{jane.pk}/")

    assert response.status_code == 204
    assert not Customer.objects.exists()


@pytest.fixture
def booked(owner_client):
    """Jane with three bookings over a week, one of them cancelled."""
    staff = StaffMemberFactory(display_name="Anna")
    weekly_hours_set(staff)
    service = ServiceFactory(name="Reformer", performers=[staff])
    jane, other = CustomerFactory(), CustomerFactory()
    first = book(service, staff, jane, MONDAY_10)
    second = book(service, staff, jane, MONDAY_10 + timedelta(days=1))
    third = book(service, staff, jane, MONDAY_10 + timedelta(days=2))
    book(service, staff, other, MONDAY_10 + timedelta(hours=2))
    # Set directly: this is history to read, not the transition under test.
    Appointment.objects.filter(pk=second.pk).update(
        status=AppointmentStatus.CANCELLED, status_reason="Ill"
    )
    return jane, (first, second, third), staff, service


def test_a_booked_customer_cannot_be_deleted(owner_client, booked):
    jane = booked[0]
    before = studio_rows()

    response = owner_client.delete(f"{URL}{jane.pk}/")

    problem(response, 409, "customer_in_use")
    assert studio_rows() == before


def test_a_customers_booking_history_newest_first_in_every_status(owner_client, booked):
    jane, (first, second, third), staff, service = booked

    response = owner_client.get(f"{URL}{jane.pk}/appointments/")
    page = owner_client.get(f"{URL}{jane.pk}/appointments/", {"limit": 1, "offset": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [a["reference"] for a in body["results"]] == [
        third.reference,
        second.reference,
        first.reference,
    ]
    assert [a["status"] for a in body["results"]] == ["confirmed", "cancelled", "confirmed"]
    assert body["results"][1] == {
        "id": second.pk,
        "reference": second.reference,
        "status": "cancelled",
        "source": "owner_app",
        "start": "2026-11-24T10:00:00Z",
        "end": "2026-11-24T11:00:00Z",
        "service": service.pk,
        "service_name": "Reformer",
        "staff": staff.pk,
        "staff_name": "Anna",
        "price": "50.00",
        "currency": "GBP",
        "customer_note": "",
        "status_reason": "Ill",
        "created_at": body["results"][1]["created_at"],
    }
    assert [a["reference"] for a in page.json()["results"]] == [second.reference]


def test_history_of_an_unknown_customer(owner_client):
    problem(owner_client.get(f"{URL}424242/appointments/"), 404, "not_found")
