"""The owner app's customer screens: list and search, profile with history, create, edit,
quick notes, delete, and who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import AppointmentStatus
from tenants.models import Role, Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import member
from tests.tenant_apps.customers.support import booking

LIST = "/app/customers/"


def _rows() -> list[tuple[object, ...]]:
    return list(Customer.objects.order_by("pk").values_list())


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.full_name for c in response.context["page"].object_list]


# --- list and search -----------------------------------------------------------------------


def test_list_shows_customers_sorted_by_name_with_their_tags(owner_client):
    CustomerFactory(full_name="Zoe Adams", tags=["VIP"])
    CustomerFactory(full_name="Anna Berg", phone="+44 20 7946 0001")

    response = owner_client.get(LIST)

    assert response.status_code == 200
    assert _names(response) == ["Anna Berg", "Zoe Adams"]
    content = response.content.decode()
    assert '<a class="tag" href="?tag=VIP">VIP</a>' in content
    assert "2 customers" in content
    assert 'href="/app/customers/export.csv"' in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anna", ["Anna Berg"]),  # name, any case
        ("@work.test", ["Zoe Adams"]),  # email
        ("7946 0001", ["Anna Berg"]),  # phone
        ("prenat", ["Zoe Adams"]),  # part of a tag
        ("nobody", []),
    ],
)
def test_search_finds_name_email_phone_and_tag(owner_client, query, expected):
    CustomerFactory(full_name="Anna Berg", phone="+44 20 7946 0001", email="anna@home.test")
    CustomerFactory(full_name="Zoe Adams", email="zoe@work.test", tags=["Prenatal"])

    response = owner_client.get(LIST, {"q": query})

    assert _names(response) == expected


def test_tag_filter_is_exact_and_ignores_case(owner_client):
    CustomerFactory(full_name="Anna", tags=["VIP"])
    CustomerFactory(full_name="Ben", tags=["vip-pending"])
    CustomerFactory(full_name="Cleo")

    response = owner_client.get(LIST, {"tag": "vip"})

    assert _names(response) == ["Anna"]
    assert '<option value="VIP" selected>' in response.content.decode()
    assert 'href="/app/customers/export.csv?tag=vip"' in response.content.decode()


def test_search_with_like_wildcards_matches_them_literally(owner_client):
    CustomerFactory(full_name="Anna", tags=["100%"])
    CustomerFactory(full_name="Ben", tags=["1000"])

    assert _names(owner_client.get(LIST, {"q": "0%"})) == ["Anna"]
    assert _names(owner_client.get(LIST, {"q": "_"})) == []


def test_list_is_paginated_by_25(owner_client):
    for n in range(27):
        CustomerFactory(full_name=f"Customer {n:02}")

    first = owner_client.get(LIST)
    second = owner_client.get(LIST, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert _names(second) == ["Customer 25", "Customer 26"]
    assert 'href="?page=2"' in first.content.decode()


def test_list_shows_booking_counts_and_the_next_booking(owner_client):
    staff = StaffMemberFactory()
    weekly_hours_set(staff)
    service = ServiceFactory(performers=[staff])
    anna = CustomerFactory(full_name="Anna")
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking(service, staff, anna, start)

    response = owner_client.get(LIST)

    row = response.context["page"].object_list[0]
    assert (row.booking_count, row.next_start) == (1, start)


# --- create and edit -------------------------------------------------------------------------


def test_create_a_customer(owner_client):
    response = owner_client.post(
        "/app/customers/new/",
        {
            "full_name": " Jane Doe ",
            "email": "jane@example.test",
            "phone": "+44 20 7946 0123",
            "tags": "VIP, prenatal, vip",
            "notes": "Knee injury.",
            "marketing_consent": "on",
        },
    )

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/app/customers/{customer.pk}/"
    assert (customer.full_name, customer.tags, customer.marketing_consent) == (
        "Jane Doe",
        ["VIP", "prenatal"],
        True,
    )
    page = owner_client.get(response["Location"])
    assert "Jane Doe was added." in page.content.decode()  # the toast


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": "", "email": "a@b.test"}, "full_name", "This field is required."),
        ({"full_name": "A", "email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"full_name": "A", "email": "a@b.test", "phone": "call me"}, "phone", "Enter a phone"),
        (
            {"full_name": "A", "email": "a@b.test", "tags": ",".join(f"t{i}" for i in range(21))},
            "tags",
            "Use at most 20 tags.",
        ),
        ({"full_name": "A", "email": "TAKEN@example.test"}, "email", "Another customer"),
    ],
)
def test_create_shows_errors_beside_fields_and_writes_nothing(owner_client, data, field, message):
    CustomerFactory(email="taken@example.test")
    before = _rows()

    response = owner_client.post("/app/customers/new/", data)

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert _rows() == before


def test_edit_a_customer(owner_client):
    customer = CustomerFactory(full_name="Jane", email="jane@example.test", tags=["a"])
    url = f"/app/customers/{customer.pk}/edit/"
    assert 'value="Jane"' in owner_client.get(url).content.decode()

    response = owner_client.post(
        url,
        {"full_name": "Jane Doe", "email": "jane@example.test", "tags": "b", "notes": "x"},
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.full_name, customer.tags, customer.notes, customer.marketing_consent) == (
        "Jane Doe",
        ["b"],
        "x",
        False,
    )


def test_edit_to_a_taken_email_is_refused_and_nothing_changes(owner_client):
    CustomerFactory(email="taken@example.test")
    customer = CustomerFactory(full_name="Jane", email="jane@example.test")
    before = _rows()

    response = owner_client.post(
        f"/app/customers/{customer.pk}/edit/",
        {"full_name": "Changed", "email": "Taken@example.test"},
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "email": ["Another customer already has this email address."]
    }
    assert _rows() == before


# --- profile -------------------------------------------------------------------------------


def test_profile_shows_upcoming_and_past_bookings_with_calendar_links(owner_client):
    staff = StaffMemberFactory(display_name="Anna Teacher")
    weekly_hours_set(staff)
    service = ServiceFactory(name="Reformer", performers=[staff])
    customer = CustomerFactory(full_name="Jane Doe")
    today = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    future = booking(service, staff, customer, today + timedelta(days=2))
    past = booking(service, staff, customer, today - timedelta(days=5), AppointmentStatus.COMPLETED)

    response = owner_client.get(f"/app/customers/{customer.pk}/")

    assert response.status_code == 200
    history = response.context["history"]
    assert [a.pk for a in history.upcoming] == [future.pk]
    assert [a.pk for a in history.past] == [past.pk]
    assert (history.total, history.completed, history.no_shows) == (2, 1, 0)
    content = response.content.decode()
    assert future.reference in content and past.reference in content
    if response.context["calendar_url"]:
        assert f'?date={future.start.date().isoformat()}"' in content
    assert "Delete customer" not in content  # customers who booked keep their history


def test_quick_notes_and_tags_save_from_the_profile(owner_client):
    customer = CustomerFactory(notes="old", tags=["x"])

    response = owner_client.post(
        f"/app/customers/{customer.pk}/notes/", {"notes": "Prefers mornings", "tags": "VIP, x"}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.notes, customer.tags) == ("Prefers mornings", ["VIP", "x"])


def test_quick_notes_with_too_many_tags_show_the_error_and_keep_the_record(owner_client):
    customer = CustomerFactory(notes="old", tags=["x"])

    response = owner_client.post(
        f"/app/customers/{customer.pk}/notes/",
        {"notes": "new", "tags": ",".join(f"t{i}" for i in range(25))},
    )

    assert response.status_code == 422
    assert response.context["notes_form"].errors == {"tags": ["Use at most 20 tags."]}
    customer.refresh_from_db()
    assert (customer.notes, customer.tags) == ("old", ["x"])
    assert "Use at most 20 tags." in response.content.decode()


def test_delete_a_customer_without_bookings(owner_client):
    customer = CustomerFactory()

    response = owner_client.post(f"/app/customers/{customer.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Customer.objects.exists()


def test_delete_a_customer_with_bookings_is_refused(owner_client):
    staff = StaffMemberFactory()
    weekly_hours_set(staff)
    customer = CustomerFactory()
    booking(ServiceFactory(performers=[staff]), staff, customer, timezone.now() + timedelta(days=1))

    response = owner_client.post(f"/app/customers/{customer.pk}/delete/", follow=True)

    assert Customer.objects.filter(pk=customer.pk).exists()
    assert "This customer has appointments" in response.content.decode()


# --- who may see these pages -----------------------------------------------------------------


def _paths(customer_id: int) -> list[tuple[str, str]]:
    return [
        ("get", LIST),
        ("get", "/app/customers/new/"),
        ("get", "/app/customers/export.csv"),
        ("get", "/app/customers/import/"),
        ("get", f"/app/customers/{customer_id}/"),
        ("get", f"/app/customers/{customer_id}/edit/"),
        ("get", f"/app/customers/{customer_id}/merge/"),
        ("post", f"/app/customers/{customer_id}/notes/"),
        ("post", f"/app/customers/{customer_id}/delete/"),
    ]


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_owners_and_managers_open_every_page(in_alpha: Tenant, alpha_client, role):
    customer = CustomerFactory()
    alpha_client.force_login(member(in_alpha, role, email=f"{role}-x@alpha.test"))

    for method, path in _paths(customer.pk):
        if method == "get":
            assert alpha_client.get(path).status_code == 200, path


def test_staff_anonymous_and_other_studios_are_kept_out(in_alpha: Tenant, alpha_client, beta):
    customer = CustomerFactory(notes="private")
    before = _rows()
    staff_client = TenantClient(in_alpha)
    staff_client.force_login(member(in_alpha, Role.STAFF))
    stranger = TenantClient(in_alpha)
    stranger.force_login(member(beta, Role.OWNER, email="owner2@beta.test"))

    for method, path in _paths(customer.pk):
        assert getattr(staff_client, method)(path).status_code == 404, path
        assert getattr(stranger, method)(path).status_code == 404, path
        anonymous = getattr(alpha_client, method)(path)
        assert anonymous.status_code == 302, path
        assert anonymous["Location"].startswith("/accounts/login/?next=")
    assert _rows() == before


def test_ids_of_another_studio_are_not_found(owner_client, beta):
    from django.db import connection

    connection.set_tenant(beta)
    beta_customer = CustomerFactory(email="only@beta.test")
    connection.set_schema_to_public()
    alpha = Tenant.objects.get(slug="alpha")
    connection.set_tenant(alpha)
    taken_id = beta_customer.pk
    if Customer.objects.filter(pk=taken_id).exists():
        Customer.objects.filter(pk=taken_id).delete()

    assert owner_client.get(f"/app/customers/{taken_id}/").status_code == 404
    assert owner_client.get(f"/app/customers/{taken_id}/edit/").status_code == 404
