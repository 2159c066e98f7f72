"""Owner API of rooms and equipment: CRUD, permissions, filters, tenant isolation; a service's
resource_needs; the reservations list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import Service
from tenant_apps.resources.models import Reservation, Resource, ResourceKind, ServiceResourceNeed
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import resources_reserve
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, ServiceFactory, StaffMemberFactory
from tests.factories.resources import ResourceFactory
from tests.tenant_apps.catalog.api_support import member, problem, send

URL = "/api/v1/resources/"
T9 = datetime(2026, 12, 7, 9, tzinfo=UTC)


@pytest.fixture
def owner_client(in_alpha: Tenant, alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


@pytest.fixture
def staff_client(in_alpha: Tenant, alpha_client: TenantClient) -> TenantClient:
    alpha_client.force_login(member(in_alpha, "staff"))
    return alpha_client


def _rows() -> list[tuple[Any, ...]]:
    return list(Resource.objects.order_by("pk").values_list())


def test_an_owner_creates_a_pool_of_equipment(owner_client):
    response = send(
        owner_client,
        "post",
        URL,
        {"name": "Reformer", "kind": "equipment", "quantity": 12, "color": "#12ab34"},
    )

    assert response.status_code == 201, response.content
    resource = Resource.objects.get()
    body = response.json()
    assert {k: body[k] for k in ("id", "name", "kind", "quantity", "color", "is_active")} == {
        "id": resource.pk,
        "name": "Reformer",
        "kind": "equipment",
        "quantity": 12,
        "color": "#12ab34",
        "is_active": True,
    }


def test_bad_fields_are_422_with_field_errors_and_write_nothing(owner_client):
    response = send(
        owner_client, "post", URL, {"name": "", "kind": "boat", "quantity": 0, "color": "red"}
    )

    body = problem(response, 422, "validation_error")
    assert set(body["errors"]) == {"name", "kind", "quantity", "color"}
    assert _rows() == []


def test_staff_read_but_may_not_write(in_alpha, staff_client):
    ResourceFactory(name="Small studio")

    listed = staff_client.get(URL)
    refused = send(staff_client, "post", URL, {"name": "Big", "kind": "room", "quantity": 1})

    assert listed.status_code == 200
    assert [r["name"] for r in listed.json()["results"]] == ["Small studio"]
    assert refused.status_code == 403
    assert Resource.objects.count() == 1


def test_anonymous_callers_are_refused(in_alpha, alpha_client):
    assert alpha_client.get(URL).status_code in (401, 403)


def test_the_list_filters_and_orders(owner_client):
    ResourceFactory(name="Small studio")
    ResourceFactory(name="Big studio", is_active=False)
    ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    ResourceFactory(name="Chair", kind=ResourceKind.EQUIPMENT, quantity=3)

    def names(query: str) -> list[str]:
        response = owner_client.get(URL + query)
        assert response.status_code == 200, response.content
        return [r["name"] for r in response.json()["results"]]

    assert names("") == ["Chair", "Reformer", "Big studio", "Small studio"]  # kind, name
    assert names("?kind=room") == ["Big studio", "Small studio"]
    assert names("?is_active=false") == ["Big studio"]
    assert names("?ordering=-quantity&kind=equipment") == ["Reformer", "Chair"]
    assert names("?search=studio&is_active=true") == ["Small studio"]
    assert owner_client.get(URL + "?limit=1").json()["count"] == 4


def test_lowering_the_quantity_below_held_units_is_refused(owner_client):
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=3)
    appointment = _appointment()
    resources_reserve(
        needs=[ResourceNeed(pool.pk, 2)],
        start=datetime.now(UTC) + timedelta(days=3),
        end=datetime.now(UTC) + timedelta(days=3, hours=1),
        appointment=appointment,
    )
    before = _rows()

    refused = send(owner_client, "patch", f"{URL}{pool.pk}/", {"quantity": 1})
    allowed = send(owner_client, "patch", f"{URL}{pool.pk}/", {"quantity": 2})

    body = problem(refused, 422, "validation_error")
    assert body["errors"] == {
        "quantity": [
            "An upcoming booking holds unit 2 of it. Lower the quantity once that booking "
            "is over, or move or cancel it first."
        ]
    }
    assert allowed.status_code == 200 and allowed.json()["quantity"] == 2
    assert before[0][3] == 3


def test_lowering_the_quantity_below_a_services_need_is_refused(owner_client):
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=3)
    ServiceResourceNeed.objects.create(
        service=ServiceFactory(name="Duet"), resource=pool, quantity=2
    )

    body = problem(
        send(owner_client, "patch", f"{URL}{pool.pk}/", {"quantity": 1}), 422, "validation_error"
    )

    assert body["errors"] == {
        "quantity": ["“Duet” needs 2 of it per booking. Change what it needs first."]
    }
    pool.refresh_from_db()
    assert pool.quantity == 3


def test_delete_an_unused_resource_and_refuse_a_used_one(owner_client):
    unused = ResourceFactory(name="Spare")
    used = ResourceFactory(name="Small studio")
    ServiceResourceNeed.objects.create(service=ServiceFactory(), resource=used, quantity=1)

    assert send(owner_client, "delete", f"{URL}{unused.pk}/").status_code == 204
    problem(send(owner_client, "delete", f"{URL}{used.pk}/"), 409, "resource_in_use")
    assert list(Resource.objects.values_list("name", flat=True)) == ["Small studio"]


def test_another_studios_resources_do_not_exist_here(beta, owner_client):
    connection.set_tenant(beta)
    theirs = Resource.objects.create(name="Beta room", kind=ResourceKind.ROOM)
    connection.set_tenant(Tenant.objects.get(slug="alpha"))

    assert owner_client.get(URL).json()["results"] == []
    problem(owner_client.get(f"{URL}{theirs.pk}/"), 404, "not_found")
    problem(send(owner_client, "patch", f"{URL}{theirs.pk}/", {"name": "Mine"}), 404, "not_found")
    problem(send(owner_client, "delete", f"{URL}{theirs.pk}/"), 404, "not_found")
    connection.set_tenant(beta)
    assert Resource.objects.get(pk=theirs.pk).name == "Beta room"


# --- a service's resource_needs ---------------------------------------------------------------


def test_a_service_takes_and_shows_its_resource_needs(owner_client):
    room = ResourceFactory(name="Small studio")
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    service = ServiceFactory(name="Private reformer")

    response = send(
        owner_client,
        "patch",
        f"/api/v1/services/{service.pk}/",
        {"resource_needs": [{"resource": pool.pk, "quantity": 1}, {"resource": room.pk}]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["resource_needs"] == [
        {"resource": pool.pk, "resource_name": "Reformer", "quantity": 1},
        {"resource": room.pk, "resource_name": "Small studio", "quantity": 1},
    ]
    cleared = send(owner_client, "patch", f"/api/v1/services/{service.pk}/", {"resource_needs": []})
    assert cleared.json()["resource_needs"] == []
    assert ServiceResourceNeed.objects.count() == 0


def test_bad_resource_needs_are_field_errors_and_write_nothing(owner_client):
    room = ResourceFactory(name="Small studio")
    retired = ResourceFactory(name="Old room", is_active=False)
    service = ServiceFactory(name="Private", price="10.00")

    response = send(
        owner_client,
        "patch",
        f"/api/v1/services/{service.pk}/",
        {
            "price": "99.00",
            "resource_needs": [
                {"resource": room.pk, "quantity": 2},
                {"resource": 999999},
                {"resource": retired.pk},
                {"resource": room.pk, "quantity": 1},
                {"resource": room.pk, "quantity": 0},
            ],
        },
    )

    body = problem(response, 422, "validation_error")
    assert body["errors"] == {
        "resource_needs.4.quantity": ["Ensure this value is greater than or equal to 1."]
    }
    response = send(
        owner_client,
        "patch",
        f"/api/v1/services/{service.pk}/",
        {
            "price": "99.00",
            "resource_needs": [
                {"resource": room.pk, "quantity": 2},
                {"resource": 999999},
                {"resource": retired.pk},
                {"resource": room.pk, "quantity": 1},
            ],
        },
    )
    body = problem(response, 422, "validation_error")
    assert body["errors"] == {
        "resource_needs.0.quantity": ["The studio has 1 of Small studio."],
        "resource_needs.1.resource": ["No resource with id 999999 in this studio."],
        "resource_needs.2.resource": ["Old room is deactivated."],
        "resource_needs.3.resource": ["Small studio is listed twice."],
    }
    service.refresh_from_db()
    assert str(service.price) == "10.00"
    assert ServiceResourceNeed.objects.count() == 0


# --- reservations -----------------------------------------------------------------------------


def _appointment(n: int = 0) -> Any:
    from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus

    start = T9 + timedelta(days=n)
    service: Service = ServiceFactory(name=f"Private {n}")
    return Appointment.objects.create(
        reference=f"API{n:05d}",
        service=service,
        staff=StaffMemberFactory(),
        customer=CustomerFactory(full_name=f"Pat {n}"),
        status=AppointmentStatus.CONFIRMED,
        source=AppointmentSource.API,
        start=start,
        end=start + timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + timedelta(hours=1),
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        price=0,
        currency="GBP",
    )


def test_reservations_in_a_range(owner_client):
    room = ResourceFactory(name="Small studio")
    pool = ResourceFactory(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=3)
    first, later = _appointment(0), _appointment(1)
    resources_reserve(
        needs=[ResourceNeed(room.pk, 1), ResourceNeed(pool.pk, 1)],
        start=T9,
        end=T9 + timedelta(hours=1),
        appointment=first,
    )
    resources_reserve(
        needs=[ResourceNeed(pool.pk, 2)],
        start=T9 + timedelta(days=10),
        end=T9 + timedelta(days=10, hours=1),
        appointment=later,
    )

    response = owner_client.get("/api/v1/reservations/?start=2026-12-07&end=2026-12-08")
    only_pool = owner_client.get(
        f"/api/v1/reservations/?start=2026-12-01&end=2026-12-31&resource={pool.pk}&ordering=-start"
    )

    assert response.status_code == 200, response.content
    # Ordered by start, then resource (equipment before rooms, by name), then unit.
    assert [(r["resource_name"], r["unit"]) for r in response.json()["results"]] == [
        ("Reformer", 1),
        ("Small studio", 1),
    ]
    first_row = response.json()["results"][0]
    assert first_row["start"] == "2026-12-07T09:00:00Z"
    assert first_row["holder"] == {
        "kind": "appointment",
        "id": first.pk,
        "title": "Private 0 · Pat 0",
    }
    assert [(r["unit"], r["start"][:10]) for r in only_pool.json()["results"]] == [
        (1, "2026-12-17"),
        (2, "2026-12-17"),
        (1, "2026-12-07"),
    ]


def test_the_reservations_range_is_checked(owner_client):
    body = problem(owner_client.get("/api/v1/reservations/?start=nope"), 422, "validation_error")
    assert set(body["errors"]) == {"end"}
    body = problem(
        owner_client.get("/api/v1/reservations/?start=2026-12-07&end=2026-12-01"),
        422,
        "validation_error",
    )
    assert body["errors"] == {"end": ["The end must be after the start."]}
    body = problem(
        owner_client.get("/api/v1/reservations/?start=2026-01-01&end=2026-12-01"),
        422,
        "validation_error",
    )
    assert body["errors"] == {"end": ["Ask for at most 92 days at a time."]}
    assert Reservation.objects.count() == 0
