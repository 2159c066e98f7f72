"""The owner app's service screens: list, create, edit, archive, delete."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tenant_apps.catalog.models import Service
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import MONDAY_10, book, studio_rows
from tests.tenant_apps.catalog.views_support import (
    assert_matrix,
    client_as,
    errors_of,
    people_create,
)

VALID: dict[str, Any] = {
    "name": "Reformer Pilates",
    "category": "Pilates",
    "description": "One to one on the reformer.",
    "duration_minutes": "55",
    "price": "65.00",
    "currency": "GBP",
    "deposit_type": "amount",
    "deposit_value": "20.00",
    "buffer_before_minutes": "5",
    "buffer_after_minutes": "10",
    "slot_step_minutes": "30",
    "min_notice_minutes_0": "2",
    "min_notice_minutes_1": "hours",
    "max_advance_days": "45",
    "cancel_notice_minutes_0": "2",
    "cancel_notice_minutes_1": "days",
    "reschedule_notice_minutes_0": "90",
    "reschedule_notice_minutes_1": "minutes",
    "requires_approval": "on",
    "is_active": "on",
    "color": "#12ab34",
}


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


def test_list_shows_services_with_performers_and_status(owner, in_alpha):
    anna = StaffMemberFactory(display_name="Anna")
    ServiceFactory(name="Mat class", category="Pilates", performers=[anna])
    ServiceFactory(name="Old massage", is_active=False)

    response = owner.get("/app/services/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mat class" in html and "Anna" in html
    assert "Old massage" in html and "Archived" in html
    assert 'href="/app/services/new/"' in html


def test_list_search_and_status_filter(owner, in_alpha):
    ServiceFactory(name="Mat class", category="Pilates")
    ServiceFactory(name="Deep tissue", category="Massage", is_active=False)

    found = owner.get("/app/services/", {"q": "massage"}).content.decode()
    active = owner.get("/app/services/", {"status": "active"}).content.decode()
    nothing = owner.get("/app/services/", {"q": "zumba"}).content.decode()

    assert "Deep tissue" in found and "Mat class" not in found
    assert "Mat class" in active and "Deep tissue" not in active
    assert "No service matches these filters." in nothing


def test_list_paginates(owner, in_alpha):
    for n in range(30):
        ServiceFactory(name=f"Service {n:02d}", category="A")

    first = owner.get("/app/services/").content.decode()
    second = owner.get("/app/services/", {"page": 2}).content.decode()

    assert "Service 00" in first and "Service 24" in first and "Service 25" not in first
    assert "Service 25" in second and "Service 29" in second
    assert "Page 2 of 2" in second


def test_owner_creates_a_service_with_every_field(owner, in_alpha):
    anna = StaffMemberFactory(display_name="Anna")
    ben = StaffMemberFactory(display_name="Ben")

    response = _post(owner, "/app/services/new/", {**VALID, "staff": [anna.pk, ben.pk]})

    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == "/app/services/"
    service = Service.objects.get()
    assert (
        service.name,
        service.category,
        service.description,
        service.duration_minutes,
        service.price,
        service.currency,
        service.deposit_type,
        service.deposit_value,
        service.buffer_before_minutes,
        service.buffer_after_minutes,
        service.slot_step_minutes,
        service.min_notice_minutes,
        service.max_advance_days,
        service.cancel_notice_minutes,
        service.reschedule_notice_minutes,
        service.requires_approval,
        service.is_active,
        service.color,
    ) == (
        "Reformer Pilates",
        "Pilates",
        "One to one on the reformer.",
        55,
        Decimal("65.00"),
        "GBP",
        "amount",
        Decimal("20.00"),
        5,
        10,
        30,
        120,
        45,
        2880,
        90,
        True,
        True,
        "#12ab34",
    )
    assert set(service.staff.values_list("pk", flat=True)) == {anna.pk, ben.pk}
    assert "“Reformer Pilates” was added." in owner.get("/app/services/").content.decode()


def test_new_service_form_starts_with_the_studio_defaults(owner):
    html = owner.get("/app/services/new/").content.decode()

    assert '<option value="GBP" selected>' in html
    # 1440 minutes shows as 1 day
    assert 'name="cancel_notice_minutes_0" value="1"' in html
    assert '<option value="days" selected>' in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"duration_minutes": "3"}, "duration_minutes", "greater than or equal to 5"),
        ({"price": "-1"}, "price", "greater than or equal to 0"),
        ({"deposit_value": "80.00"}, "deposit_value", "more than the price (65.00 GBP)"),
        (
            {"deposit_type": "percent", "deposit_value": "150"},
            "deposit_value",
            "at most 100",
        ),
        ({"slot_step_minutes": "1"}, "slot_step_minutes", "greater than or equal to 5"),
        ({"max_advance_days": "0"}, "max_advance_days", "greater than or equal to 1"),
        ({"color": "red"}, "color", "Use a colour like #4f6ef7."),
        ({"cancel_notice_minutes_0": "61", "cancel_notice_minutes_1": "days"}, "", "86400"),
        ({"currency": "XXX"}, "currency", "Select a valid choice."),
    ],
)
def test_invalid_service_shows_the_error_and_writes_nothing(
    owner, in_alpha, change, field, message
):
    before = studio_rows()

    response = _post(owner, "/app/services/new/", {**VALID, **change})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert message in html
    if field:
        assert f'id="id_{field}_error"' in html
    assert studio_rows() == before


def test_unknown_staff_id_is_a_form_error(owner, in_alpha):
    before = studio_rows()

    response = _post(owner, "/app/services/new/", {**VALID, "staff": [987654]})

    assert response.status_code == 200
    assert "Select a valid choice. 987654 is not one of the available choices." in (
        response.content.decode()
    )
    assert studio_rows() == before


def test_owner_edits_a_service(owner, in_alpha):
    anna = StaffMemberFactory(display_name="Anna")
    service = ServiceFactory(name="Mat", performers=[anna])

    page = owner.get(f"/app/services/{service.pk}/").content.decode()
    response = _post(owner, f"/app/services/{service.pk}/", {**VALID, "name": "Mat+"})

    assert 'value="Mat"' in page
    assert response.status_code == 302, errors_of(response)
    service.refresh_from_db()
    assert service.name == "Mat+"
    assert service.cancel_notice_minutes == 2880
    assert list(service.staff.all()) == []  # nobody ticked: nobody performs it


def test_invalid_edit_keeps_the_stored_service(owner, in_alpha):
    service = ServiceFactory(name="Mat", price=Decimal("30.00"))
    before = studio_rows()

    response = _post(
        owner, f"/app/services/{service.pk}/", {**VALID, "price": "10.00", "deposit_value": "20"}
    )

    assert response.status_code == 200
    assert "The deposit can&#x27;t be more than the price (10.00 GBP)." in (
        response.content.decode()
    )
    assert studio_rows() == before


def test_archive_and_restore(owner, in_alpha):
    service = ServiceFactory(name="Mat")

    archived = _post(owner, f"/app/services/{service.pk}/archive/", {"action": "archive"})
    service.refresh_from_db()
    assert archived.status_code == 302 and service.is_active is False

    _post(owner, f"/app/services/{service.pk}/archive/", {"action": "restore"})
    service.refresh_from_db()
    assert service.is_active is True


def test_unbooked_service_is_deleted(owner, in_alpha):
    service = ServiceFactory(name="Mat")

    response = _post(owner, f"/app/services/{service.pk}/delete/", {})

    assert response.status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()
    assert "“Mat” was deleted." in owner.get("/app/services/").content.decode()


def test_booked_service_is_not_deleted(owner, in_alpha):
    anna = StaffMemberFactory()
    weekly_hours_set(anna)
    service = ServiceFactory(name="Mat", performers=[anna])
    book(service, anna, CustomerFactory(), MONDAY_10)
    before = studio_rows()

    response = _post(owner, f"/app/services/{service.pk}/delete/", {})
    page = owner.get(f"/app/services/{service.pk}/").content.decode()

    assert response.status_code == 302
    assert response["Location"] == f"/app/services/{service.pk}/"
    assert studio_rows() == before
    assert "has appointments, so it can&#x27;t be deleted. Archive it instead." in page
    assert "Delete service" not in page  # only archiving is offered


def test_permissions(in_alpha, who):
    service = ServiceFactory(name="Mat")
    assert_matrix(in_alpha, who, "get", "/app/services/", managers=200, staff=200)
    assert_matrix(in_alpha, who, "get", "/app/services/new/", managers=200, staff=404)
    assert_matrix(in_alpha, who, "get", f"/app/services/{service.pk}/", managers=200, staff=404)


def test_staff_see_the_list_read_only(in_alpha, who):
    ServiceFactory(name="Mat")

    html = client_as(in_alpha, who.staff).get("/app/services/").content.decode()

    assert "Mat" in html
    assert "/app/services/new/" not in html
    assert "/archive/" not in html


def test_refused_writes_change_nothing(in_alpha, who):
    service = ServiceFactory(name="Mat")
    before = studio_rows()

    for path, data in (
        ("/app/services/new/", VALID),
        (f"/app/services/{service.pk}/", VALID),
        (f"/app/services/{service.pk}/archive/", {"action": "archive"}),
        (f"/app/services/{service.pk}/delete/", {}),
    ):
        assert_matrix(in_alpha, who, "post", path, managers=None, staff=404, data=data)

    assert studio_rows() == before


def test_another_studios_service_is_not_found(owner, in_alpha, beta):
    connection.set_tenant(beta)
    theirs = ServiceFactory(name="Beta flow", currency="USD")
    connection.set_tenant(in_alpha)
    Service.objects.filter(pk=theirs.pk).delete()  # alpha has no row with that id

    for path in (f"/app/services/{theirs.pk}/",):
        assert owner.get(path).status_code == 404
    for path in (f"/app/services/{theirs.pk}/archive/", f"/app/services/{theirs.pk}/delete/"):
        assert _post(owner, path, {"action": "archive"}).status_code == 404
    connection.set_tenant(beta)
    assert Service.objects.filter(pk=theirs.pk, is_active=True).exists()
