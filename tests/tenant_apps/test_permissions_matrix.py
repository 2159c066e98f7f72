"""Who may call each owner endpoint of the catalog, customers and availability, and tenant
isolation at every detail endpoint.

Every endpoint is called by each role: owners and managers may do everything; staff-role members
read (writes: 403 problem); people of another studio get 404 (never a hint that the object
exists); anonymous callers get a 403 problem. A refused request writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import DateOverride, TimeOff, WeeklyHours
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import member, problem, send, studio_rows

OVERRIDE_DAY = "2026-12-25"
OFF_START, OFF_END = "2026-12-01T09:00:00Z", "2026-12-01T12:00:00Z"


@dataclass(frozen=True)
class World:
    """One of each object in a studio."""

    service: int
    staff: int
    page: int
    customer: int
    time_off: int
    row: int


def world_create() -> World:
    staff = StaffMemberFactory(display_name="Anna")
    weekly_hours_set(staff, days=range(1))
    service = ServiceFactory(name="Reformer", performers=[staff])
    page = BookingPage.objects.create(slug="reformer", title="Reformer")
    page.services.set([service])
    customer = CustomerFactory()
    time_off = TimeOff.objects.create(
        staff=staff,
        start=datetime(2026, 12, 1, 9, tzinfo=UTC),
        end=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )
    DateOverride.objects.create(staff=staff, date=date.fromisoformat(OVERRIDE_DAY))
    return World(
        service=service.pk,
        staff=staff.pk,
        page=page.pk,
        customer=customer.pk,
        time_off=time_off.pk,
        row=WeeklyHours.objects.get(staff=staff).pk,
    )


Body = Callable[[World], Any] | None


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # formatted with the World's fields
    success: int
    body: Body = None

    @property
    def writes(self) -> bool:
        return self.method != "get"

    def call(self, client: TenantClient, world: World) -> Any:
        body = self.body(world) if self.body else None
        return send(client, self.method, self.path.format(**world.__dict__), body)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _crud(prefix: str, key: str, create: Body, replace: Body, change: Body) -> list[Endpoint]:
    detail = f"/api/v1/{prefix}/{{{key}}}/"
    return [
        Endpoint("get", f"/api/v1/{prefix}/", 200),
        Endpoint("post", f"/api/v1/{prefix}/", 201, create),
        Endpoint("get", detail, 200),
        Endpoint("put", detail, 200, replace),
        Endpoint("patch", detail, 200, change),
        Endpoint("delete", detail, 204),
    ]


ENDPOINTS = [
    *_crud(
        "services",
        "service",
        lambda w: {"name": "Mat", "duration_minutes": 30, "staff": [w.staff]},
        lambda w: {"name": "Renamed", "duration_minutes": 45},
        lambda w: {"price": "12.50"},
    ),
    *_crud(
        "staff",
        "staff",
        lambda w: {"display_name": "Ben", "services": [w.service]},
        lambda w: {"display_name": "Anna B."},
        lambda w: {"is_bookable": False},
    ),
    *_crud(
        "booking-pages",
        "page",
        lambda w: {"slug": "mat", "title": "Mat classes", "services": [w.service]},
        lambda w: {"slug": "reformer-2", "title": "Reformer 2"},
        lambda w: {"questions": [{"id": "goals", "label": "Goals?", "type": "text"}]},
    ),
    *_crud(
        "customers",
        "customer",
        lambda w: {"full_name": "New Person", "email": "new@person.test"},
        lambda w: {"full_name": "Renamed", "email": "renamed@person.test"},
        lambda w: {"tags": ["vip"]},
    ),
    Endpoint("get", "/api/v1/customers/{customer}/appointments/", 200),
    *_crud(
        "time-off",
        "time_off",
        lambda w: {"staff": w.staff, "start": OFF_START, "end": OFF_END},
        lambda w: {"staff": w.staff, "start": OFF_START, "end": "2026-12-01T18:00:00Z"},
        lambda w: {"reason": "Training"},
    ),
    Endpoint("get", "/api/v1/staff/{staff}/time-off/", 200),
    Endpoint(
        "post",
        "/api/v1/staff/{staff}/time-off/",
        201,
        lambda w: {"start": "2026-12-05T09:00:00Z", "end": "2026-12-06T09:00:00Z"},
    ),
    Endpoint("get", "/api/v1/staff/{staff}/weekly-hours/", 200),
    Endpoint(
        "put",
        "/api/v1/staff/{staff}/weekly-hours/",
        200,
        lambda w: [{"weekday": 1, "start": "10:00", "end": "18:00"}],
    ),
    Endpoint(
        "post",
        "/api/v1/staff/{staff}/weekly-hours/",
        201,
        lambda w: {"weekday": 3, "start": "10:00", "end": "18:00"},
    ),
    Endpoint("delete", "/api/v1/staff/{staff}/weekly-hours/{row}/", 204),
    Endpoint("get", "/api/v1/staff/{staff}/date-overrides/", 200),
    Endpoint(
        "post",
        "/api/v1/staff/{staff}/date-overrides/",
        201,
        lambda w: {"date": "2026-12-26", "closed": True},
    ),
    Endpoint("get", f"/api/v1/staff/{{staff}}/date-overrides/{OVERRIDE_DAY}/", 200),
    Endpoint("delete", f"/api/v1/staff/{{staff}}/date-overrides/{OVERRIDE_DAY}/", 204),
]
DETAIL_ENDPOINTS = [e for e in ENDPOINTS if "{" in e.path]


def _signed_in(role: str, alpha: Tenant, alpha_client: TenantClient) -> TenantClient:
    if role == "owner":
        alpha_client.force_login(User.objects.get(email="owner@alpha.test"))
    elif role in ("manager", "staff"):
        alpha_client.force_login(member(alpha, role))
    elif role == "other_studio":
        beta = Tenant.objects.get(slug="beta")
        alpha_client.force_login(member(beta, "owner", email="someone@beta.test"))
    return alpha_client


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("role", ["owner", "manager"])
def test_owners_and_managers_may_do_everything(in_alpha, alpha, alpha_client, role, endpoint):
    world = world_create()
    client = _signed_in(role, alpha, alpha_client)
    before = studio_rows()

    response = endpoint.call(client, world)

    assert response.status_code == endpoint.success, response.content
    assert (studio_rows() != before) is endpoint.writes  # writes land in alpha's schema


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_staff_members_read_but_may_not_write(in_alpha, alpha, alpha_client, endpoint):
    world = world_create()
    client = _signed_in("staff", alpha, alpha_client)
    before = studio_rows()

    response = endpoint.call(client, world)

    if endpoint.writes:
        body = problem(response, 403, "permission_denied")
        assert body["detail"] == "Only the studio's owners and managers can change this."
    else:
        assert response.status_code == 200
    assert studio_rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_people_of_another_studio_get_not_found(in_alpha, alpha, alpha_client, endpoint):
    world = world_create()
    client = _signed_in("other_studio", alpha, alpha_client)
    before = studio_rows()

    response = endpoint.call(client, world)

    problem(response, 404, "not_found")
    assert "Anna" not in response.content.decode()
    assert studio_rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_callers_are_refused(in_alpha, alpha_client, endpoint):
    world = world_create()
    before = studio_rows()

    response = endpoint.call(alpha_client, world)

    problem(response, 403, "not_authenticated")
    assert studio_rows() == before


# --- tenant isolation -----------------------------------------------------------------------

MODELS = {
    "service": Service,
    "staff": StaffMember,
    "page": BookingPage,
    "customer": Customer,
    "time_off": TimeOff,
    "row": WeeklyHours,
}


@pytest.mark.parametrize("endpoint", DETAIL_ENDPOINTS, ids=str)
def test_beta_objects_answer_not_found_on_alphas_host(
    alpha, beta, alpha_client, alpha_owner, endpoint
):
    connection.set_tenant(beta)
    beta_world = world_create()
    beta_before = studio_rows()
    connection.set_tenant(alpha)
    for key, model in MODELS.items():  # beta's ids mean nothing in alpha
        assert not model.objects.filter(pk=getattr(beta_world, key)).exists()
    alpha_before = studio_rows()
    alpha_client.force_login(alpha_owner)

    response = endpoint.call(alpha_client, beta_world)

    problem(response, 404, "not_found")
    assert studio_rows() == alpha_before
    connection.set_tenant(beta)
    assert studio_rows() == beta_before


def test_a_beta_interval_is_not_found_under_an_alpha_staff_member(
    alpha, beta, alpha_client, alpha_owner
):
    connection.set_tenant(beta)
    beta_world = world_create()
    connection.set_tenant(alpha)
    alpha_staff = StaffMemberFactory()
    assert not WeeklyHours.objects.filter(pk=beta_world.row).exists()
    alpha_client.force_login(alpha_owner)

    response = alpha_client.delete(f"/api/v1/staff/{alpha_staff.pk}/weekly-hours/{beta_world.row}/")

    problem(response, 404, "not_found")
    connection.set_tenant(beta)
    assert WeeklyHours.objects.filter(pk=beta_world.row).exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/services/",
            lambda w: {"name": "X", "duration_minutes": 30, "staff": [w.staff]},
            "staff",
        ),
        ("/api/v1/staff/", lambda w: {"display_name": "X", "services": [w.service]}, "services"),
        (
            "/api/v1/booking-pages/",
            lambda w: {"slug": "x", "title": "X", "staff": [w.staff]},
            "staff",
        ),
        (
            "/api/v1/time-off/",
            lambda w: {"staff": w.staff, "start": OFF_START, "end": OFF_END},
            "staff",
        ),
    ],
)
def test_beta_ids_in_a_body_are_unknown_on_alphas_host(
    alpha, beta, alpha_client, alpha_owner, path, body, field
):
    connection.set_tenant(beta)
    beta_world = world_create()
    connection.set_tenant(alpha)
    alpha_before = studio_rows()
    alpha_client.force_login(alpha_owner)

    response = send(alpha_client, "post", path, body(beta_world))

    errors = problem(response, 422, "validation_error")["errors"]
    assert list(errors) == [field]
    assert "in this studio" in errors[field][0]
    assert studio_rows() == alpha_before
