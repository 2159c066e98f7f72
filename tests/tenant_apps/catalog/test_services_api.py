from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.catalog.models import Service
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import MONDAY_10, book, problem, send, studio_rows

URL = "/api/v1/services/"


def test_create_a_service_with_its_staff(owner_client):
    anna, ben = StaffMemberFactory(), StaffMemberFactory()

    response = send(
        owner_client,
        "post",
        URL,
        {
            "name": "Reformer Pilates",
            "description": "One to one on the reformer.",
            "category": "Pilates",
            "duration_minutes": 55,
            "price": "65.00",
            "buffer_before_minutes": 5,
            "buffer_after_minutes": 10,
            "slot_step_minutes": 30,
            "min_notice_minutes": 120,
            "max_advance_days": 90,
            "requires_approval": True,
            "deposit_type": "percent",
            "deposit_value": "20",
            "color": "#12ab34",
            "staff": [ben.pk, anna.pk, ben.pk],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    service = Service.objects.get()
    assert body["id"] == service.pk
    assert body["name"] == "Reformer Pilates"
    assert body["currency"] == "GBP"  # alpha's currency
    assert body["price"] == "65.00"
    assert body["deposit_type"] == "percent"
    assert body["deposit_value"] == "20.00"
    assert body["staff"] == sorted([anna.pk, ben.pk])
    assert body["created_at"].endswith("Z")
    assert set(service.staff.values_list("pk", flat=True)) == {anna.pk, ben.pk}
    assert service.requires_approval is True
    assert (service.slot_step_minutes, service.min_notice_minutes) == (30, 120)


def test_the_currency_is_normalised_and_checked(owner_client):
    created = send(
        owner_client, "post", URL, {"name": "A", "duration_minutes": 30, "currency": "eur"}
    )
    refused = send(
        owner_client, "post", URL, {"name": "B", "duration_minutes": 30, "currency": "XYZ"}
    )

    assert created.status_code == 201
    assert created.json()["currency"] == "EUR"
    body = problem(refused, 422, "validation_error")
    assert body["errors"] == {
        "currency": ["Use a three-letter currency code we support, e.g. GBP or EUR."]
    }
    assert list(Service.objects.values_list("name", flat=True)) == ["A"]


def test_unknown_staff_ids_are_field_errors_and_nothing_is_written(owner_client):
    staff = StaffMemberFactory()
    before = studio_rows()

    response = send(
        owner_client,
        "post",
        URL,
        {"name": "Yoga", "duration_minutes": 60, "staff": [staff.pk, 987654, 987655]},
    )

    body = problem(response, 422, "validation_error")
    assert body["errors"] == {"staff": ["No staff member with ids 987654, 987655 in this studio."]}
    assert studio_rows() == before


def test_malformed_staff_ids_name_their_position(owner_client):
    response = send(
        owner_client, "post", URL, {"name": "Y", "duration_minutes": 60, "staff": [1, "x"]}
    )

    assert problem(response, 422, "validation_error")["errors"] == {
        "staff.1": ["A valid integer is required."]
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"deposit_type": "percent", "deposit_value": "101"},
            {"deposit_value": ["A percentage deposit is more than 0 and at most 100."]},
        ),
        (
            {"deposit_type": "percent", "deposit_value": "0"},
            {"deposit_value": ["A percentage deposit is more than 0 and at most 100."]},
        ),
        (
            {"deposit_type": "amount", "deposit_value": "50.01", "price": "50"},
            {"deposit_value": ["The deposit can't be more than the price (50.00 GBP)."]},
        ),
        (
            {"deposit_type": "amount", "deposit_value": "0", "price": "50"},
            {"deposit_value": ["Enter the deposit amount."]},
        ),
        (
            {"deposit_type": "later"},
            {"deposit_type": ['"later" is not a valid choice.']},
        ),
        (
            {"duration_minutes": 4},
            {"duration_minutes": ["Ensure this value is greater than or equal to 5."]},
        ),
        (
            {"duration_minutes": 1441},
            {"duration_minutes": ["Ensure this value is less than or equal to 1440."]},
        ),
        (
            {"buffer_after_minutes": 241},
            {"buffer_after_minutes": ["Ensure this value is less than or equal to 240."]},
        ),
        (
            {"slot_step_minutes": 4},
            {"slot_step_minutes": ["Ensure this value is greater than or equal to 5."]},
        ),
        (
            {"max_advance_days": 0},
            {"max_advance_days": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"min_notice_minutes": -1},
            {"min_notice_minutes": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"price": "-1"}, {"price": ["Ensure this value is greater than or equal to 0."]}),
        (
            {"price": "123456789.00"},
            {"price": ["Ensure that there are no more than 10 digits in total."]},
        ),
        ({"color": "red"}, {"color": ["Use a colour like #4f6ef7."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
    ],
)
def test_invalid_services_are_refused_with_field_errors(owner_client, changes, errors):
    before = studio_rows()

    response = send(owner_client, "post", URL, {"name": "Yoga", "duration_minutes": 60, **changes})

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_required_fields_are_named(owner_client):
    response = send(owner_client, "post", URL, {})

    assert problem(response, 422, "validation_error")["errors"] == {
        "name": ["This field is required."],
        "duration_minutes": ["This field is required."],
    }


def test_a_body_that_is_not_json_is_a_problem(owner_client):
    response = owner_client.post(URL, data="{not json", content_type="application/json")

    problem(response, 400, "parse_error")
    assert not Service.objects.exists()


def test_no_deposit_keeps_no_deposit_value(owner_client):
    response = send(
        owner_client,
        "post",
        URL,
        {"name": "Yoga", "duration_minutes": 60, "deposit_type": "none", "deposit_value": "10"},
    )

    assert response.status_code == 201
    assert response.json()["deposit_value"] == "0.00"


def test_list_is_paginated_filtered_searched_and_ordered(owner_client):
    anna = StaffMemberFactory()
    ServiceFactory(name="Mat Pilates", category="Pilates", price=Decimal("20"), performers=[anna])
    ServiceFactory(name="Reformer Pilates", category="Pilates", price=Decimal("60"))
    ServiceFactory(name="Yin Yoga", category="Yoga", price=Decimal("25"), is_active=False)

    everything = owner_client.get(URL)
    page = owner_client.get(URL, {"limit": 2, "offset": 1, "ordering": "-price"})
    active_pilates = owner_client.get(URL, {"active": "true", "category": "pilates"})
    inactive = owner_client.get(URL, {"active": "false"})
    searched = owner_client.get(URL, {"search": "yoga"})
    by_staff = owner_client.get(URL, {"staff": anna.pk})

    def names(response):
        assert response.status_code == 200
        return [item["name"] for item in response.json()["results"]]

    assert everything.json()["count"] == 3
    assert names(everything) == ["Mat Pilates", "Reformer Pilates", "Yin Yoga"]
    assert page.json()["count"] == 3
    assert names(page) == ["Yin Yoga", "Mat Pilates"]
    assert page.json()["previous"] is not None
    assert page.json()["next"] is None
    assert names(active_pilates) == ["Mat Pilates", "Reformer Pilates"]
    assert names(inactive) == ["Yin Yoga"]
    assert names(searched) == ["Yin Yoga"]
    assert names(by_staff) == ["Mat Pilates"]


def test_an_invalid_filter_value_is_a_field_error(owner_client):
    response = owner_client.get(URL, {"staff": "anna"})

    assert problem(response, 422, "validation_error")["errors"] == {"staff": ["Enter a number."]}


def test_list_runs_a_constant_number_of_queries(owner_client):
    staff = [StaffMemberFactory() for _ in range(3)]
    ServiceFactory(performers=staff)
    owner_client.get(URL)  # warm: host lookup and session caches
    with CaptureQueriesContext(connection) as one:
        assert owner_client.get(URL).status_code == 200
    for _ in range(6):
        ServiceFactory(performers=staff)

    with CaptureQueriesContext(connection) as seven:
        response = owner_client.get(URL)

    assert response.json()["count"] == 7
    assert len(seven) == len(one)


def test_retrieve_and_unknown_ids(owner_client):
    service = ServiceFactory(name="Yoga")

    found = owner_client.get(f"{URL}{service.pk}/")
    missing = owner_client.get(f"{URL}{service.pk + 1000}/")
    huge = owner_client.get(f"{URL}99999999999999999999999/")
    not_an_id = owner_client.get(f"{URL}yoga/")

    assert found.status_code == 200
    assert found.json()["name"] == "Yoga"
    problem(missing, 404, "not_found")
    problem(huge, 404, "not_found")
    assert not_an_id.status_code == 404


def test_put_replaces_and_patch_changes_some_fields(owner_client):
    anna, ben = StaffMemberFactory(), StaffMemberFactory()
    service = ServiceFactory(name="Yoga", category="Yoga", performers=[anna])

    put = send(
        owner_client,
        "put",
        f"{URL}{service.pk}/",
        {"name": "Hot Yoga", "duration_minutes": 75, "staff": [ben.pk]},
    )
    patch = send(owner_client, "patch", f"{URL}{service.pk}/", {"price": "30", "staff": []})

    assert put.status_code == 200
    assert put.json()["name"] == "Hot Yoga"
    assert put.json()["category"] == "Yoga"  # a field left out of a PUT keeps its value
    assert put.json()["staff"] == [ben.pk]
    assert patch.status_code == 200
    assert patch.json()["price"] == "30.00"
    assert patch.json()["staff"] == []
    service.refresh_from_db()
    assert (service.name, service.duration_minutes, service.price) == ("Hot Yoga", 75, 30)
    assert not service.staff.exists()


def test_put_needs_the_required_fields(owner_client):
    service = ServiceFactory()

    response = send(owner_client, "put", f"{URL}{service.pk}/", {"name": "Only a name"})

    assert problem(response, 422, "validation_error")["errors"] == {
        "duration_minutes": ["This field is required."]
    }


def test_a_lower_price_is_refused_while_the_deposit_is_higher(owner_client):
    service = ServiceFactory(
        price=Decimal("50"), deposit_type="amount", deposit_value=Decimal("40")
    )
    before = studio_rows()

    response = send(owner_client, "patch", f"{URL}{service.pk}/", {"price": "30"})

    assert problem(response, 422, "validation_error")["errors"] == {
        "deposit_value": ["The deposit can't be more than the price (30.00 GBP)."]
    }
    assert studio_rows() == before


def test_delete_an_unbooked_service(owner_client):
    service = ServiceFactory()

    response = owner_client.delete(f"{URL}{service.pk}/")

    assert response.status_code == 204
    assert not Service.objects.exists()


def test_a_booked_service_cannot_be_deleted(owner_client):
    staff = StaffMemberFactory()
    weekly_hours_set(staff)
    service = ServiceFactory(performers=[staff])
    book(service, staff, CustomerFactory(), MONDAY_10)
    before = studio_rows()

    response = owner_client.delete(f"{URL}{service.pk}/")

    body = problem(response, 409, "service_in_use")
    assert "Deactivate it instead" in body["detail"]
    assert studio_rows() == before


def test_a_new_service_takes_the_studio_booking_policy_unless_given(db, in_alpha):
    from tenant_apps.catalog.services import service_create

    studio = in_alpha
    studio.default_min_notice_minutes = 180
    studio.default_cancel_notice_minutes = 2 * 24 * 60
    studio.default_reschedule_notice_minutes = 12 * 60

    defaults = service_create(tenant=studio, data={"name": "Intro", "duration_minutes": 30})
    given = service_create(
        tenant=studio,
        data={"name": "Drop-in", "duration_minutes": 30, "cancel_notice_minutes": 60},
    )

    assert (
        defaults.min_notice_minutes,
        defaults.cancel_notice_minutes,
        defaults.reschedule_notice_minutes,
    ) == (180, 2880, 720)
    assert (given.cancel_notice_minutes, given.reschedule_notice_minutes) == (60, 720)
