"""The customer's own details and the JSON export of their data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.test.client import TenantClient

from tenant_apps.classes.models import ClassSession, Enrollment, EnrollmentPayment, EnrollmentSource
from tenant_apps.classes.services import enrollment_book
from tenant_apps.customers.models import Customer
from tenant_apps.portal.selectors import customer_data_export
from tenant_apps.reviews.services import review_create
from tenant_apps.scheduling.services import Actor
from tests.factories.classes import class_type_make, session_make
from tests.factories.packages import package_give, product_covering
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


def _class_booking(
    session: ClassSession, customer: Customer, now: datetime, payment: str
) -> Enrollment:
    return enrollment_book(
        session=session,
        customer=customer,
        payment=payment,
        source=EnrollmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=now,
    )


def test_export_lists_own_classes_and_credit_packages(studio: Studio, client: TenantClient) -> None:
    # given Pat's class, paid with a credit of a package bought earlier, and Sam's own
    reformer = class_type_make("Reformer Flow", default_instructor=studio.ann, capacity=4)
    session = session_make(class_type=reformer, start=at(day_ahead(5), 18))
    bought, booked = at(day_ahead(-10), 9), at(day_ahead(-1), 12, 30)
    product = product_covering(class_types=[reformer], name="Five classes", credits=5)
    package_give(customer=studio.pat, product=product, purchased_at=bought)
    enrollment = _class_booking(session, studio.pat, booked, EnrollmentPayment.CREDITS)
    package_give(customer=studio.sam, product=product, purchased_at=bought)
    sams = _class_booking(session, studio.sam, booked, EnrollmentPayment.CREDITS)
    sign_in_via_booking(client, book(studio, at(day_ahead(3), 10)))
    # when Pat downloads their data
    data = json.loads(client.get("/portal/profile/export/").content)
    # then their enrollment and their package with its purchase and use are in it, as they are
    enrollment.refresh_from_db()
    assert data["class_enrollments"] == [
        {
            "reference": enrollment.reference,
            "class": "Reformer Flow",
            "instructor": "Ann Lee",
            "start": at(day_ahead(5), 18).isoformat(),
            "end": at(day_ahead(5), 19).isoformat(),
            "status": "booked",
            "spots": 1,
            "payment": "credits",
            "price": "0.00",
            "currency": "GBP",
            "waitlist_position": None,
            "note": "",
            "cancelled_at": None,
            "booked_at": enrollment.created_at.isoformat(),
        }
    ]
    assert data["packages"] == [
        {
            "name": "Five classes",
            "credits_total": 5,
            "balance": 4,
            "price_paid": "60.00",
            "currency": "GBP",
            "purchased_at": bought.isoformat(),
            "expires_at": (bought + timedelta(days=30)).isoformat(),
            "entries": [
                {
                    "kind": "purchase",
                    "amount": 5,
                    "balance_after": 5,
                    "created_at": bought.isoformat(),
                    "reason": "",
                },
                {
                    "kind": "use",
                    "amount": -1,
                    "balance_after": 4,
                    "created_at": booked.isoformat(),
                    "reason": "",
                },
            ],
        }
    ]
    # and nothing of Sam's (their class and their package were bought and used the same way)
    assert sams.reference not in json.dumps(data)
    assert "sam@example.test" not in json.dumps(data)


def test_export_queries_stay_constant_and_show_waitlist_places(
    studio: Studio, django_assert_num_queries: Any
) -> None:
    reformer = class_type_make("Reformer Flow", default_instructor=studio.ann, capacity=1)
    booked = at(day_ahead(-1), 12)
    product = product_covering(class_types=[reformer], credits=10)
    sessions = [session_make(class_type=reformer, start=at(day_ahead(d), 18)) for d in (4, 5, 6)]
    _class_booking(sessions[0], studio.sam, booked, EnrollmentPayment.AT_STUDIO)
    _class_booking(sessions[0], studio.pat, booked, EnrollmentPayment.AT_STUDIO)
    package_give(customer=studio.pat, product=product, purchased_at=at(day_ahead(-9), 9))
    zone = ZoneInfo("Europe/London")
    with CaptureQueriesContext(connection) as one:
        first = customer_data_export(customer=studio.pat, zone=zone)
    assert [(e["status"], e["waitlist_position"]) for e in first["class_enrollments"]] == [
        ("waitlisted", 1)
    ]
    for session in sessions[1:]:
        _class_booking(session, studio.pat, booked, EnrollmentPayment.CREDITS)
    package_give(customer=studio.pat, product=product, purchased_at=at(day_ahead(-8), 9))
    with django_assert_num_queries(len(one)):
        many = customer_data_export(customer=studio.pat, zone=zone)
    assert [(e["status"], e["waitlist_position"]) for e in many["class_enrollments"]] == [
        ("waitlisted", 1),
        ("booked", None),
        ("booked", None),
    ]
    assert [len(p["entries"]) for p in many["packages"]] == [3, 1]
