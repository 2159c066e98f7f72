"""The customer's own details and the JSON export of their data."""

from __future__ import annotations

import json

from django_tenants.test.client import TenantClient

from tenant_apps.reviews.services import review_create
from tests.tenant_apps.portal.support import (
    Studio,
    at,
    book,
    completed,
    day_ahead,
    sign_in_via_booking,
)


def test_profile_update(studio: Studio, client: TenantClient) -> None:
    sign_in_via_booking(client, book(studio, at(day_ahead(3), 10)))
    page = client.get("/portal/profile/").content.decode()
    assert 'value="Pat Doe"' in page
    response = client.post(
        "/portal/profile/",
        {"full_name": " Patricia Doe ", "phone": "+44 7700 900123", "marketing_consent": "on"},
    )
    assert (response.status_code, response["Location"]) == (302, "/portal/profile/")
    studio.pat.refresh_from_db()
    assert (
        studio.pat.full_name,
        studio.pat.phone,
        studio.pat.reminders_enabled,
        studio.pat.marketing_consent,
        studio.pat.email,
    ) == ("Patricia Doe", "+44 7700 900123", False, True, "pat@example.test")


def test_profile_errors_beside_fields_and_nothing_saved(
    studio: Studio, client: TenantClient
) -> None:
    sign_in_via_booking(client, book(studio, at(day_ahead(3), 10)))
    response = client.post(
        "/portal/profile/",
        {"full_name": "  ", "phone": "call me maybe", "reminders_enabled": "on"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_full_name_error"' in page
    assert "Enter your name." in page
    assert 'id="id_phone_error"' in page
    assert "Enter a phone number" in page
    studio.pat.refresh_from_db()
    assert (studio.pat.full_name, studio.pat.phone) == ("Pat Doe", "")


def test_profile_cannot_change_email(studio: Studio, client: TenantClient) -> None:
    sign_in_via_booking(client, book(studio, at(day_ahead(3), 10)))
    client.post("/portal/profile/", {"full_name": "Pat Doe", "email": "evil@example.test"})
    studio.pat.refresh_from_db()
    assert studio.pat.email == "pat@example.test"


def test_export_contains_own_data_only(studio: Studio, client: TenantClient) -> None:
    # given Pat's upcoming and completed bookings (one with answers and a review) and Sam's
    upcoming = book(studio, at(day_ahead(3), 10))
    past = completed(studio, at(day_ahead(-3), 14))
    type(past).objects.filter(pk=past.pk).update(
        answers={"goals": "Relax"}, customer_note="Sore neck", owner_notes="Internal only"
    )
    review_create(appointment=past, rating=5, comment="Lovely")
    book(studio, at(day_ahead(3), 14), customer=studio.sam)
    sign_in_via_booking(client, upcoming)
    # when Pat downloads their data
    response = client.get("/portal/profile/export/")
    # then it is a JSON attachment with Pat's details, both bookings and the review
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="alpha-my-data.json"'
    data = json.loads(response.content)
    assert data["studio"] == "Alpha Pilates"
    assert data["customer"]["email"] == "pat@example.test"
    assert [a["reference"] for a in data["appointments"]] == [past.reference, upcoming.reference]
    first = data["appointments"][0]
    assert (first["answers"], first["note"], first["status"]) == (
        {"goals": "Relax"},
        "Sore neck",
        "completed",
    )
    assert first["start"] == at(day_ahead(-3), 14).isoformat()
    assert "Internal only" not in response.content.decode()
    assert data["reviews"] == [
        {
            "appointment": past.reference,
            "rating": 5,
            "comment": "Lovely",
            "created_at": data["reviews"][0]["created_at"],
        }
    ]
    assert "sam@example.test" not in response.content.decode()
