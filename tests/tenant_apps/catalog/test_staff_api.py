from __future__ import annotations

import pytest

from tenant_apps.catalog.models import StaffMember
from tenant_apps.scheduling.models import WeeklyHours
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import (
    MONDAY_10,
    book,
    member,
    problem,
    send,
    studio_rows,
)

URL = "/api/v1/staff/"


def test_create_a_staff_member_linked_to_a_member_of_the_studio(owner_client, alpha):
    pilates, yoga = ServiceFactory(), ServiceFactory()
    user = member(alpha, "staff", email="anna@alpha.test")

    response = send(
        owner_client,
        "post",
        URL,
        {
            "display_name": "  Anna Smith ",
            "bio": "Pilates teacher since 2010.",
            "email": "anna@alpha.test",
            "color": "#aa00bb",
            "is_bookable": True,
            "timezone": "Europe/Paris",
            "services": [yoga.pk, pilates.pk],
            "user": user.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    staff = StaffMember.objects.get()
    assert body["id"] == staff.pk
    assert body["display_name"] == "Anna Smith"
    assert body["timezone"] == "Europe/Paris"
    assert body["services"] == sorted([pilates.pk, yoga.pk])
    assert body["user"] == {"id": user.pk, "email": "anna@alpha.test", "full_name": "Staff Person"}
    assert body["photo"] is None
    assert staff.user_id == user.pk
    assert set(staff.services.values_list("pk", flat=True)) == {pilates.pk, yoga.pk}


def test_link_by_email_address_in_any_case(owner_client, alpha):
    user = member(alpha, "manager", email="ben@alpha.test")

    response = send(
        owner_client, "post", URL, {"display_name": "Ben", "user_email": "BEN@Alpha.test"}
    )

    assert response.status_code == 201
    assert response.json()["user"]["id"] == user.pk


@pytest.mark.parametrize("field", ["user", "user_email"])
def test_only_members_of_this_studio_can_be_linked(owner_client, beta_owner, field):
    value = beta_owner.pk if field == "user" else beta_owner.email
    before = studio_rows()

    response = send(owner_client, "post", URL, {"display_name": "Someone", field: value})

    assert problem(response, 422, "validation_error")["errors"] == {
        field: ["This person is not a member of this studio. Invite them to the team first."]
    }
    assert studio_rows() == before


def test_one_user_has_one_staff_profile(owner_client, alpha):
    user = member(alpha, "staff")
    StaffMemberFactory(user=user)
    before = studio_rows()

    response = send(owner_client, "post", URL, {"display_name": "Again", "user": user.pk})

    body = problem(response, 409, "staff_user_taken")
    assert body["errors"] == {"user": ["Already linked to another staff profile in this studio."]}
    assert studio_rows() == before


def test_unlink_with_null(owner_client, alpha):
    staff = StaffMemberFactory(user=member(alpha, "staff"))

    response = send(owner_client, "patch", f"{URL}{staff.pk}/", {"user": None})

    assert response.status_code == 200
    assert response.json()["user"] is None
    staff.refresh_from_db()
    assert staff.user_id is None


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"timezone": "Mars/Olympus"},
            {"timezone": ["Use an IANA time zone such as Europe/London, or leave it blank."]},
        ),
        ({"color": "#12345"}, {"color": ["Use a colour like #4f6ef7."]}),
        ({"services": [424242]}, {"services": ["No service with id 424242 in this studio."]}),
        ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"display_name": ""}, {"display_name": ["This field may not be blank."]}),
        ({"user": 0}, {"user": ["Ensure this value is greater than or equal to 1."]}),
    ],
)
def test_invalid_staff_members_are_refused(owner_client, changes, errors):
    before = studio_rows()

    response = send(owner_client, "post", URL, {"display_name": "Anna", **changes})

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_a_blank_timezone_means_the_studios(owner_client):
    response = send(owner_client, "post", URL, {"display_name": "Anna", "timezone": ""})

    assert response.status_code == 201
    assert response.json()["timezone"] == ""


def test_list_filters_and_ordering(owner_client):
    pilates = ServiceFactory()
    StaffMemberFactory(display_name="Anna", email="anna@x.test")
    StaffMemberFactory(display_name="Ben", email="ben@x.test", is_bookable=False)
    cleo = StaffMemberFactory(display_name="Cleo", email="cleo@x.test")
    pilates.staff.set([cleo])

    def names(params):
        response = owner_client.get(URL, params)
        assert response.status_code == 200
        return [item["display_name"] for item in response.json()["results"]]

    assert names({}) == ["Anna", "Ben", "Cleo"]
    assert names({"ordering": "-display_name"}) == ["Cleo", "Ben", "Anna"]
    assert names({"bookable": "false"}) == ["Ben"]
    assert names({"service": pilates.pk}) == ["Cleo"]
    assert names({"search": "BEN@"}) == ["Ben"]
    assert names({"limit": 1, "offset": 2}) == ["Cleo"]


def test_retrieve_update_and_unknown(owner_client):
    staff = StaffMemberFactory(display_name="Anna")
    service = ServiceFactory()

    put = send(
        owner_client,
        "put",
        f"{URL}{staff.pk}/",
        {"display_name": "Anna B.", "services": [service.pk], "is_bookable": False},
    )
    got = owner_client.get(f"{URL}{staff.pk}/")
    missing = owner_client.get(f"{URL}{staff.pk + 999}/")

    assert put.status_code == 200
    assert got.json()["display_name"] == "Anna B."
    assert got.json()["services"] == [service.pk]
    assert got.json()["is_bookable"] is False
    problem(missing, 404, "not_found")


def test_delete_a_staff_member_without_appointments(owner_client):
    staff = StaffMemberFactory()
    weekly_hours_set(staff)

    response = owner_client.delete(f"{URL}{staff.pk}/")

    assert response.status_code == 204
    assert not StaffMember.objects.exists()
    assert not WeeklyHours.objects.exists()


def test_a_staff_member_with_appointments_cannot_be_deleted(owner_client):
    staff = StaffMemberFactory()
    weekly_hours_set(staff)
    service = ServiceFactory(performers=[staff])
    book(service, staff, CustomerFactory(), MONDAY_10)
    before = studio_rows()

    response = owner_client.delete(f"{URL}{staff.pk}/")

    body = problem(response, 409, "staff_in_use")
    assert "is_bookable: false" in body["detail"]
    assert studio_rows() == before
