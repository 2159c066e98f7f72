"""The owner app's resource screens, and "Resources needed" on the service form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from tenant_apps.resources.models import Resource, ResourceKind, ServiceResourceNeed
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import resources_reserve
from tests.factories.catalog import ServiceFactory, StaffMemberFactory
from tests.factories.classes import class_type_make
from tests.factories.resources import ResourceFactory
from tests.tenant_apps.catalog.test_views_services import VALID
from tests.tenant_apps.catalog.views_support import (
    assert_matrix,
    client_as,
    errors_of,
    people_create,
)
from tests.tenant_apps.resources.test_api import _appointment


@pytest.fixture
def who(in_alpha, beta):  # type: ignore[no-untyped-def]
    return people_create(in_alpha, beta)


@pytest.fixture
def owner(in_alpha, who):  # type: ignore[no-untyped-def]
    return client_as(in_alpha, who.owner)


def _post(client: Any, path: str, data: dict[str, Any]) -> Any:
    response = client.post(path, data)
    connection.set_tenant(client.tenant)
    return response


FIELDS = {"name": "Reformer", "kind": "equipment", "quantity": "12", "color": "#12ab34"}


def test_the_list_shows_resources_with_their_quantity(owner, in_alpha):
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    ResourceFactory(name="Old room", is_active=False)
    ServiceResourceNeed.objects.create(service=ServiceFactory(), resource=pool, quantity=1)
    class_type_make(name="Reformer Flow", equipment=pool, equipment_per_attendee=1)

    response = owner.get("/app/resources/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Reformer" in html and "Equipment" in html and ">12<" in html
    assert '<td data-label="Needed by" class="num">2</td>' in html  # a service and a class
    assert "Old room" in html and "Deactivated" in html
    assert 'href="/app/resources/new/"' in html
    assert 'class="nav-link active" href="/app/resources/" aria-current="page"' in html


def test_the_list_filters(owner, in_alpha):
    ResourceFactory(name="Small studio", description="Upstairs")
    ResourceFactory(name="Old room", is_active=False)

    found = owner.get("/app/resources/", {"q": "upstairs"}).content.decode()
    inactive = owner.get("/app/resources/", {"status": "inactive"}).content.decode()

    assert "Small studio" in found and "Old room" not in found
    assert "Old room" in inactive and "Small studio" not in inactive


def test_an_owner_creates_a_resource(owner, in_alpha):
    response = _post(owner, "/app/resources/new/", {**FIELDS, "description": "Balanced Body"})

    resource = Resource.objects.get()
    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == f"/app/resources/{resource.pk}/"
    assert (resource.name, resource.kind, resource.quantity, resource.color) == (
        "Reformer",
        "equipment",
        12,
        "#12ab34",
    )


def test_bad_fields_are_shown_beside_the_inputs_and_write_nothing(owner, in_alpha):
    response = _post(owner, "/app/resources/new/", {**FIELDS, "quantity": "0", "name": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the fields marked below. Nothing was saved." in html
    assert "This field is required." in html
    assert "Ensure this value is greater than or equal to 1." in html
    assert Resource.objects.count() == 0


def test_lowering_the_quantity_below_held_units_is_a_form_error(owner, in_alpha):
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=3)
    now = datetime.now(UTC)
    resources_reserve(
        needs=[ResourceNeed(pool.pk, 3)],
        start=now + timedelta(days=1),
        end=now + timedelta(days=1, hours=1),
        appointment=_appointment(),
    )

    response = _post(owner, f"/app/resources/{pool.pk}/", {**FIELDS, "quantity": "2"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "An upcoming booking holds unit 3 of it." in html
    assert 'class="field has-error"' in html
    pool.refresh_from_db()
    assert (pool.name, pool.quantity) == ("Reformer", 3)


def test_the_detail_page_shows_upcoming_use(owner, in_alpha):
    room = ResourceFactory(name="Small studio")
    appointment = _appointment()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    resources_reserve(
        needs=[ResourceNeed(room.pk, 1)],
        start=start,
        end=start + timedelta(hours=1),
        appointment=appointment,
    )

    html = owner.get(f"/app/resources/{room.pk}/").content.decode()

    assert "Upcoming use" in html
    assert f"{appointment.service.name} · {appointment.customer.full_name}" in html


def test_deactivate_and_restore(owner, in_alpha):
    room = ResourceFactory(name="Small studio")

    _post(owner, f"/app/resources/{room.pk}/deactivate/", {"action": "deactivate"})
    room.refresh_from_db()
    assert room.is_active is False
    _post(owner, f"/app/resources/{room.pk}/deactivate/", {"action": "restore"})
    room.refresh_from_db()
    assert room.is_active is True


def test_permissions(in_alpha, who):
    room = ResourceFactory(name="Small studio")
    assert_matrix(in_alpha, who, "get", "/app/resources/", managers=200, staff=200)
    assert_matrix(in_alpha, who, "get", f"/app/resources/{room.pk}/", managers=200, staff=200)
    assert_matrix(in_alpha, who, "get", "/app/resources/new/", managers=200, staff=404)
    assert_matrix(
        in_alpha, who, "post", f"/app/resources/{room.pk}/", managers=None, staff=404, data=FIELDS
    )
    assert_matrix(
        in_alpha,
        who,
        "post",
        f"/app/resources/{room.pk}/deactivate/",
        managers=None,
        staff=404,
        data={"action": "deactivate"},
    )
    room.refresh_from_db()
    assert (room.name, room.is_active) == ("Small studio", True)


def test_another_studios_resource_is_not_found(owner, in_alpha, beta):
    connection.set_tenant(beta)
    theirs = Resource.objects.create(name="Beta room", kind=ResourceKind.ROOM)
    connection.set_tenant(in_alpha)

    assert owner.get(f"/app/resources/{theirs.pk}/").status_code == 404


# --- the service form ---------------------------------------------------------------------------


def test_the_service_form_sets_the_resources_needed(owner, in_alpha):
    room = ResourceFactory(name="Small studio")
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    ResourceFactory(name="Unused")
    anna = StaffMemberFactory(display_name="Anna")
    service = ServiceFactory(name="Private", performers=[anna])

    page = owner.get(f"/app/services/{service.pk}/").content.decode()
    response = _post(
        owner,
        f"/app/services/{service.pk}/",
        {**VALID, "staff": [anna.pk], f"need_{room.pk}": "1", f"need_{pool.pk}": "2"},
    )

    assert "Resources needed" in page and f'name="need_{pool.pk}"' in page
    assert response.status_code == 302, errors_of(response)
    assert sorted(
        ServiceResourceNeed.objects.filter(service=service).values_list(
            "resource__name", "quantity"
        )
    ) == [("Reformer", 2), ("Small studio", 1)]
    edit = owner.get(f"/app/services/{service.pk}/").content.decode()
    assert f'name="need_{pool.pk}" value="2"' in edit


def test_needing_more_units_than_there_are_is_a_form_error(owner, in_alpha):
    room = ResourceFactory(name="Small studio")
    service = ServiceFactory(name="Private")

    response = _post(owner, f"/app/services/{service.pk}/", {**VALID, f"need_{room.pk}": "2"})

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 1." in response.content.decode()
    assert ServiceResourceNeed.objects.count() == 0


def test_the_detail_page_names_the_services_and_classes_that_need_it(owner, in_alpha):
    room = ResourceFactory(name="Reformer studio")
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    ServiceResourceNeed.objects.create(
        service=ServiceFactory(name="Private Reformer"), resource=pool, quantity=1
    )
    class_type_make(name="Reformer Flow", room=room, equipment=pool, equipment_per_attendee=1)

    room_page = owner.get(f"/app/resources/{room.pk}/").content.decode()
    pool_page = owner.get(f"/app/resources/{pool.pk}/").content.decode()

    assert '<strong>Reformer Flow</strong> <span class="muted">· the whole session</span>' in (
        room_page
    )
    assert '<strong>Private Reformer</strong> <span class="muted">· 1 per booking</span>' in (
        pool_page
    )
    assert '<strong>Reformer Flow</strong> <span class="muted">· 1 per seat</span>' in pool_page
