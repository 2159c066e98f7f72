"""customer_get_or_create: one statement finds the customer by lower(email) or inserts them."""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import customer_get_or_create


def _statements(queries: CaptureQueriesContext) -> int:
    """Statements run, not counting django-tenants' search_path switch."""
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith("SET search_path"))


def test_a_new_customer_is_inserted_in_one_statement(in_alpha):
    with CaptureQueriesContext(connection) as queries:
        customer = customer_get_or_create(
            email="  New.Person@Example.test ", full_name="  New Person ", phone="+447700900123"
        )
    assert _statements(queries) == 1
    stored = Customer.objects.get()
    assert customer.pk == stored.pk
    assert (customer.email, customer.full_name, customer.phone) == (
        "New.Person@Example.test",
        "New Person",
        "+447700900123",
    )
    assert (stored.email, stored.full_name, stored.phone) == (
        "New.Person@Example.test",
        "New Person",
        "+447700900123",
    )
    assert (stored.tags, stored.notes, stored.marketing_consent, stored.reminders_enabled) == (
        [],
        "",
        False,
        True,
    )
    assert customer.created_at == stored.created_at
    assert customer.updated_at == stored.updated_at
    assert customer._state.adding is False


def test_a_known_address_in_any_case_returns_the_existing_customer_unchanged(in_alpha):
    known = Customer.objects.create(
        full_name="Ann Original", email="ann@example.test", phone="1", tags=["vip"]
    )
    with CaptureQueriesContext(connection) as queries:
        found = customer_get_or_create(
            email="ANN@Example.TEST", full_name="Someone Else", phone="2"
        )
    assert _statements(queries) == 1
    assert found.pk == known.pk
    assert (found.full_name, found.email, found.phone, found.tags) == (
        "Ann Original",
        "ann@example.test",
        "1",
        ["vip"],
    )
    assert list(Customer.objects.values_list("pk", "full_name", "phone")) == [
        (known.pk, "Ann Original", "1")
    ]
    # No sequence value was spent on the known customer: the next one gets the next id.
    assert customer_get_or_create(email="bea@example.test", full_name="Bea").pk == known.pk + 1


def test_a_concurrent_insert_of_the_same_address_returns_the_winners_row(alpha_tx):
    """The other transaction inserts first and commits while this one waits on the unique
    index: ON CONFLICT inserts nothing, and the committed row is read and returned."""
    inserted = threading.Event()
    release = threading.Event()
    winner: dict[str, int] = {}
    result: dict[str, Customer] = {}

    def other_transaction() -> None:
        connection.set_tenant(alpha_tx)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO customers_customer (full_name, email, phone, notes, tags, "
                    "marketing_consent, reminders_enabled, created_at, updated_at) VALUES "
                    "('Winner', 'race@example.test', '', '', '{}', false, true, now(), now()) "
                    "RETURNING id"
                )
                winner["id"] = cursor.fetchone()[0]
                inserted.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def this_request() -> None:
        connection.set_tenant(alpha_tx)
        try:
            with transaction.atomic():
                result["customer"] = customer_get_or_create(
                    email="Race@Example.test", full_name="Late"
                )
        finally:
            connection.close()

    other = threading.Thread(target=other_transaction)
    other.start()
    assert inserted.wait(timeout=10)
    caller = threading.Thread(target=this_request)
    caller.start()
    caller.join(timeout=0.5)
    assert caller.is_alive()  # waiting on the other transaction's uncommitted row
    release.set()
    other.join(timeout=10)
    caller.join(timeout=10)
    assert not caller.is_alive()
    assert result["customer"].pk == winner["id"]
    assert result["customer"].full_name == "Winner"
    assert list(Customer.objects.values_list("email", flat=True)) == ["race@example.test"]
