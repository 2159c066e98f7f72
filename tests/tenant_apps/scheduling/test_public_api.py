"""Public booking API: services, staff, slots, bookings, look-ups, validation and rate limits.

No sign-in anywhere here. Bookings are made some weeks ahead of the real clock, on Mondays,
studio time (Europe/London).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentActivity,
    AppointmentSource,
    AppointmentStatus,
)
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Tenant
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

LONDON = ZoneInfo("Europe/London")
PROBLEM = "application/problem+json"
API = "/api/v1/public"


def monday(weeks_ahead: int = 2) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), zone)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def post(client: TenantClient, path: str, body: Any, **extra: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def book(service: Service, staff: StaffMember, start: datetime, **kw: Any) -> Appointment:
    return appointment_create(
        service=service,
        staff=staff,
        customer=kw.pop("customer", None) or CustomerFactory(),
        start=start,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
        **kw,
    )


@pytest.fixture
def setup(in_alpha: Tenant) -> dict[str, Any]:
    """Ann and Ben work 9-17 every day and give a 60-minute massage (15-minute buffer after);
    Cy works but is not bookable online; a yoga class nobody bookable gives; a retired
    service."""
    ann = StaffMemberFactory(display_name="Ann", bio="Sports massage", email="ann@studio.test")
    ben = StaffMemberFactory(display_name="Ben")
    cy = StaffMemberFactory(display_name="Cy", is_bookable=False)
    for person in (ann, ben, cy):
        weekly_hours_set(person)
    massage = ServiceFactory(
        name="Massage", category="Body", performers=[ann, ben, cy], buffer_after_minutes=15
    )
    facial = ServiceFactory(name="Facial", category="Face", performers=[ben], price="30.00")
    ServiceFactory(name="Yoga", performers=[cy])
    ServiceFactory(name="Retired", performers=[ann], is_active=False)
    return {"ann": ann, "ben": ben, "cy": cy, "massage": massage, "facial": facial}


@pytest.fixture
def client(alpha_client: TenantClient) -> TenantClient:
    return alpha_client


def booking_body(setup: dict[str, Any], when: datetime, **overrides: Any) -> dict[str, Any]:
    body = {
        "service": setup["massage"].pk,
        "staff": setup["ann"].pk,
        "start": when.isoformat(),
        "name": "Pat Doe",
        "email": "pat@example.test",
        "phone": "07000 000000",
        "note": "First visit",
    }
    body.update(overrides)
    return body


# --- services and staff -------------------------------------------------------------------------


def test_services_lists_active_bookable_services_with_public_fields(setup, client):
    response = client.get(f"{API}/services/")
    assert response.status_code == 200
    body = response.json()
    assert [s["name"] for s in body["results"]] == ["Massage", "Facial"]  # category, name
    assert body["results"][0] == {
        "id": setup["massage"].pk,
        "name": "Massage",
        "description": "",
        "category": "Body",
        "duration_minutes": 60,
        "price": "50.00",
        "currency": "GBP",
        "deposit_type": "none",
        "deposit_value": "0.00",
        "requires_approval": False,
        "color": "#4f6ef7",
    }
    assert client.get(f"{API}/services").json() == body  # without the trailing slash
    names = [s["name"] for s in client.get(f"{API}/services/?ordering=-price").json()["results"]]
    assert names == ["Massage", "Facial"]
    assert client.get(f"{API}/services/?category=Face").json()["count"] == 1


def test_services_of_a_booking_page(setup, client):
    page = BookingPage.objects.create(slug="faces", title="Faces")
    page.services.set([setup["facial"]])
    response = client.get(f"{API}/services/?booking_page=faces")
    assert [s["name"] for s in response.json()["results"]] == ["Facial"]
    body = problem(client.get(f"{API}/services/?booking_page=nope"), 422, "validation_error")
    assert body["errors"] == {"booking_page": ["There is no booking page with this slug."]}


def test_staff_lists_bookable_performers_without_private_fields(setup, client):
    response = client.get(f"{API}/staff?service={setup['massage'].pk}")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [s["display_name"] for s in results] == ["Ann", "Ben"]
    assert results[0] == {
        "id": setup["ann"].pk,
        "display_name": "Ann",
        "bio": "Sports massage",
        "photo": None,
        "color": "#4f6ef7",
    }
    everyone = client.get(f"{API}/staff/").json()["results"]
    assert [s["display_name"] for s in everyone] == ["Ann", "Ben"]
    backwards = client.get(f"{API}/staff/?ordering=-display_name").json()["results"]
    assert [s["display_name"] for s in backwards] == ["Ben", "Ann"]


@pytest.mark.parametrize("value", ["999999", "abc", str(2**70)])
def test_staff_of_an_unknown_service_is_a_422(setup, client, value):
    body = problem(client.get(f"{API}/staff/?service={value}"), 422, "validation_error")
    assert list(body["errors"]) == ["service"]


def test_staff_of_an_inactive_service_is_a_422(setup, client):
    retired = Service.objects.get(name="Retired")
    problem(client.get(f"{API}/staff/?service={retired.pk}"), 422, "validation_error")


# --- slots --------------------------------------------------------------------------------------


def slots_url(setup: dict[str, Any], day: date, **params: Any) -> str:
    query = {"service": setup["massage"].pk, "staff": "any", "start": day, "end": day}
    query.update(params)
    return f"{API}/slots?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_slots_of_one_staff_member_around_a_booking(setup, client):
    day = monday()
    book(setup["massage"], setup["ann"], at(day, 10))  # blocks 10:00-11:15
    response = client.get(slots_url(setup, day, staff=setup["ann"].pk))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["service"], body["staff"], body["timezone"]) == (
        setup["massage"].pk,
        setup["ann"].pk,
        "Europe/London",
    )
    assert (body["start"], body["end"]) == (day.isoformat(), day.isoformat())
    starts = [s["start"] for s in body["slots"]]
    # 60 minutes + 15 after must fit before 17:00 and clear of 10:00-11:15, on a 15-minute grid.
    expected = [at(day, 11, 15) + timedelta(minutes=15 * i) for i in range(20)]
    assert starts == [utc_text(s) for s in expected]
    assert body["slots"][0] == {
        "start": utc_text(at(day, 11, 15)),
        "end": utc_text(at(day, 12, 15)),
        "start_local": at(day, 11, 15).isoformat(),
        "staff": [{"id": setup["ann"].pk, "name": "Ann"}],
    }


def test_slots_for_any_staff_say_who_is_free(setup, client):
    day = monday()
    book(setup["massage"], setup["ann"], at(day, 10))
    body = client.get(slots_url(setup, day)).json()
    by_start = {s["start"]: [p["name"] for p in s["staff"]] for s in body["slots"]}
    assert body["staff"] == "any"
    assert by_start[utc_text(at(day, 9))] == ["Ben"]  # Ann's 10:00 booking is in the way
    assert by_start[utc_text(at(day, 12))] == ["Ann", "Ben"]
    assert len(body["slots"]) == 29  # 9:00 to 16:00; Cy is not bookable online


def test_hand_serialized_slots_match_the_documented_serializer(setup, client):
    from tenant_apps.scheduling.public_serializers import PublicSlotSerializer
    from tenant_apps.scheduling.selectors import local_day_range, public_slot_list

    day = monday()
    book(setup["massage"], setup["ann"], at(day, 10))
    body = client.get(slots_url(setup, day, tz="America/New_York")).json()
    new_york = ZoneInfo("America/New_York")
    start, end = local_day_range(first=day, last=day, zone=new_york)
    slots = public_slot_list(
        service=setup["massage"],
        staff=None,
        start=start,
        end=end,
        zone=new_york,
        studio_timezone="Europe/London",
        now=timezone.now(),
    )
    assert body["slots"] == json.loads(json.dumps(PublicSlotSerializer(slots, many=True).data))
    assert len(body["slots"]) > 20


def test_slots_are_shown_in_the_requested_zone(setup, client):
    day = monday()
    new_york = ZoneInfo("America/New_York")
    body = client.get(slots_url(setup, day, staff=setup["ann"].pk, tz="America/New_York")).json()
    assert body["timezone"] == "America/New_York"
    # The New York day runs 05:00-05:00 London time: Ann's 9:00-17:00 is inside it.
    first = body["slots"][0]
    assert first["start"] == utc_text(at(day, 9))
    assert first["start_local"] == at(day, 9).astimezone(new_york).isoformat()
    assert first["start_local"].endswith("-05:00")


def test_no_slots_on_a_day_off_and_none_in_the_past(setup, client):
    yesterday = timezone.now().date() - timedelta(days=1)
    body = client.get(slots_url(setup, yesterday)).json()
    assert body["slots"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": ""}, "service"),
        ({"service": "999999"}, "service"),
        ({"service": "abc"}, "service"),
        ({"staff": "999999"}, "staff"),
        ({"staff": "someone"}, "staff"),
        ({"start": "2030-13-01"}, "start"),
        ({"start": "01/02/2030"}, "start"),
        ({"start": "2030-01-05", "end": "2030-01-04"}, "end"),
        ({"start": "2030-01-01", "end": "2030-04-02"}, "end"),  # 92 days is fine: see below
        ({"start": "9999-12-31", "end": "9999-12-31"}, "start"),
        ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
    ],
)
def test_bad_slot_queries_are_422_with_field_errors(setup, client, params, field):
    day = monday()
    if params.get("end") == "2030-04-02":
        params = {"start": "2030-01-01", "end": "2030-04-03"}  # 93 days
    body = problem(client.get(slots_url(setup, day, **params)), 422, "validation_error")
    assert field in body["errors"]


def test_slots_of_a_staff_member_who_does_not_perform_the_service_is_a_422(setup, client):
    url = slots_url(setup, monday(), service=setup["facial"].pk, staff=setup["ann"].pk)
    body = problem(client.get(url), 422, "validation_error")
    assert body["errors"] == {"staff": ["This staff member does not perform this service."]}


def test_a_non_bookable_staff_member_has_no_public_slots(setup, client):
    body = problem(
        client.get(slots_url(setup, monday(), staff=setup["cy"].pk)), 422, "validation_error"
    )
    assert body["errors"] == {"staff": ["There is no bookable staff member with this id."]}


def test_a_92_day_slot_search_is_allowed(setup, client):
    day = monday()
    response = client.get(slots_url(setup, day, end=day + timedelta(days=91)))
    assert response.status_code == 200


def test_the_slots_endpoint_runs_a_constant_number_of_queries(setup, client):
    """The same number of queries with 2 bookable staff and no bookings as with 12 staff,
    200 bookings, time off and overrides."""
    day = monday()
    url = slots_url(setup, day, end=day + timedelta(days=13))
    client.get(url)  # warm the host -> studio cache

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    massage: Service = setup["massage"]
    for index in range(10):
        person = StaffMemberFactory(display_name=f"Extra {index}")
        weekly_hours_set(person, start=7 * 60, end=21 * 60)
        massage.staff.add(person)
    for person in massage.staff.filter(is_bookable=True):
        for offset in range(14):
            for hour in (9, 13) if offset % 2 else (11,):
                book(massage, person, at(day + timedelta(days=offset), hour))
    assert Appointment.objects.count() >= 200

    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert response.status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 5, [q["sql"] for q in small.captured_queries]


# --- bookings -----------------------------------------------------------------------------------


def test_a_customer_books_a_time(setup, client):
    day = monday()
    response = post(client, f"{API}/bookings", booking_body(setup, at(day, 10)))
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get()
    assert response.json() == {
        "reference": appointment.reference,
        "status": "confirmed",
        "start": utc_text(at(day, 10)),
        "end": utc_text(at(day, 11)),
        "staff": {"id": setup["ann"].pk, "name": "Ann"},
        "service": {"id": setup["massage"].pk, "name": "Massage", "duration_minutes": 60},
        "price": "50.00",
        "currency": "GBP",
        "status_reason": "",
    }
    assert appointment.source == AppointmentSource.PUBLIC_PAGE
    assert appointment.customer_note == "First visit"
    assert appointment.created_by_id is None
    customer = Customer.objects.get()
    assert (customer.full_name, customer.email, customer.phone) == (
        "Pat Doe",
        "pat@example.test",
        "07000 000000",
    )
    log = AppointmentActivity.objects.get()
    assert (log.action, log.actor_label) == ("created", "Pat Doe (online booking)")


def test_public_bookings_need_no_csrf_token(setup, alpha):
    strict = TenantClient(alpha, enforce_csrf_checks=True)
    response = post(strict, f"{API}/bookings/", booking_body(setup, at(monday(), 10)))
    assert response.status_code == 201, response.content


def test_any_staff_books_whoever_is_free_first_by_name(setup, client):
    day = monday()
    book(setup["massage"], setup["ann"], at(day, 10))
    response = post(client, f"{API}/bookings", booking_body(setup, at(day, 10), staff="any"))
    assert response.status_code == 201, response.content
    assert response.json()["staff"]["name"] == "Ben"
    third = post(
        client, f"{API}/bookings", booking_body(setup, at(day, 10), staff="any", email="x@y.test")
    )
    problem(third, 409, "slot_taken")


def test_a_service_that_needs_approval_starts_pending(setup, client):
    massage: Service = setup["massage"]
    massage.requires_approval = True
    massage.save(update_fields=["requires_approval"])
    response = post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10)))
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize(
    ("hour", "minute", "code"),
    [
        (10, 30, "slot_taken"),
        (8, 0, "outside_hours"),
        (16, 30, "outside_hours"),  # would end after 17:00
        (12, 7, "off_grid"),
    ],
)
def test_unbookable_times_are_409_with_a_reason_and_write_nothing(
    setup, client, hour, minute, code
):
    day = monday()
    book(setup["massage"], setup["ann"], at(day, 10))
    response = post(client, f"{API}/bookings", booking_body(setup, at(day, hour, minute)))
    problem(response, 409, code)
    assert Appointment.objects.count() == 1
    assert not Customer.objects.filter(email="pat@example.test").exists()


def test_notice_and_horizon_are_enforced(setup, client):
    massage: Service = setup["massage"]
    massage.min_notice_minutes = 60 * 24 * 365
    massage.save(update_fields=["min_notice_minutes"])
    problem(post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10))), 409, "too_soon")
    massage.min_notice_minutes = 0
    massage.max_advance_days = 3
    massage.save(update_fields=["min_notice_minutes", "max_advance_days"])
    problem(post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10))), 409, "too_far")
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service": 999999}, "service"),
        ({"service": "abc"}, "service"),
        ({"staff": 999999}, "staff"),
        ({"staff": "nobody"}, "staff"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2030-01-07T10:00:00"}, "start"),
        ({"start": "9999-12-31T23:30:00Z"}, "start"),
        ({"name": ""}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"booking_page": "missing"}, "booking_page"),
        ({"answers": {"goals": "Relax"}}, "answers"),  # answers need a page
    ],
)
def test_bad_bookings_are_422_with_field_errors_and_write_nothing(setup, client, overrides, field):
    response = post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10), **overrides))
    body = problem(response, 422, "validation_error")
    assert field in body["errors"]
    assert Appointment.objects.count() == 0
    assert Customer.objects.count() == 0


def test_booking_a_staff_member_for_a_service_they_do_not_give_is_a_422(setup, client):
    body = booking_body(setup, at(monday(), 10), service=setup["facial"].pk)
    response = post(client, f"{API}/bookings", body)
    assert problem(response, 422, "validation_error")["errors"] == {
        "staff": ["This staff member does not perform this service."]
    }


def test_an_inactive_service_cannot_be_booked(setup, client):
    retired = Service.objects.get(name="Retired")
    response = post(
        client, f"{API}/bookings", booking_body(setup, at(monday(), 10), service=retired.pk)
    )
    assert "service" in problem(response, 422, "validation_error")["errors"]


@pytest.fixture
def page(setup) -> BookingPage:
    page = BookingPage.objects.create(
        slug="massage-page",
        title="Massage",
        questions=[
            {"id": "goals", "label": "Your goals?", "type": "text", "required": True},
            {
                "id": "pressure",
                "label": "Pressure",
                "type": "choice",
                "required": False,
                "choices": ["Soft", "Firm"],
            },
            {"id": "terms", "label": "I accept", "type": "checkbox", "required": True},
        ],
    )
    page.services.set([setup["massage"]])
    page.staff.set([setup["ben"]])
    return page


def test_answers_are_checked_against_the_pages_questions(setup, client, page):
    day = monday()
    body = booking_body(setup, at(day, 10), staff="any", booking_page=page.slug)
    response = post(client, f"{API}/bookings", {**body, "answers": {"pressure": "Hard"}})
    errors = problem(response, 422, "validation_error")["errors"]
    assert errors == {
        "answers.goals": ["Please answer this question."],
        "answers.pressure": ["Choose one of the options: Soft, Firm."],
        "answers.terms": ["Please tick this box to continue."],
    }
    assert Appointment.objects.count() == 0
    answers = {"goals": " Relax ", "pressure": "Firm", "terms": True}
    response = post(client, f"{API}/bookings", {**body, "answers": answers})
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get()
    assert appointment.answers == {"goals": "Relax", "pressure": "Firm", "terms": True}
    # The page offers Ben only: "any" means Ben there, even though Ann comes first by name.
    assert appointment.staff == setup["ben"]


def test_a_page_only_books_what_it_offers(setup, client, page):
    answers = {"goals": "x", "terms": True}
    body = booking_body(setup, at(monday(), 10), booking_page=page.slug, answers=answers)
    errors = problem(post(client, f"{API}/bookings", body), 422, "validation_error")["errors"]
    assert errors == {"staff": ["This staff member can't be booked on this page."]}
    other = {**body, "service": setup["facial"].pk, "staff": setup["ben"].pk}
    errors = problem(post(client, f"{API}/bookings", other), 422, "validation_error")["errors"]
    assert errors == {"service": ["This service can't be booked on this page."]}
    assert Appointment.objects.count() == 0


def test_a_staff_member_who_is_not_bookable_cannot_be_booked_online(setup, client):
    response = post(
        client, f"{API}/bookings", booking_body(setup, at(monday(), 10), staff=setup["cy"].pk)
    )
    assert "staff" in problem(response, 422, "validation_error")["errors"]


# --- look-up ------------------------------------------------------------------------------------


def test_customers_look_up_their_own_booking_by_reference_and_email(setup, client):
    created = post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10))).json()
    reference = created["reference"]
    response = client.get(f"{API}/bookings/{reference}?email=PAT@example.test")
    assert response.status_code == 200
    assert response.json() == created
    assert (
        client.get(f"{API}/bookings/{reference.lower()}/?email=pat@example.test").json() == created
    )


def test_a_look_up_with_another_email_or_reference_is_a_404(setup, client):
    other = CustomerFactory(email="other@example.test")
    appointment = book(setup["massage"], setup["ann"], at(monday(), 10), customer=other)
    body = problem(
        client.get(f"{API}/bookings/{appointment.reference}?email=pat@example.test"),
        404,
        "booking_not_found",
    )
    assert "other@example.test" not in json.dumps(body)
    problem(
        client.get(f"{API}/bookings/ZZZZZZZZ?email=other@example.test"), 404, "booking_not_found"
    )
    errors = problem(client.get(f"{API}/bookings/{appointment.reference}"), 422, "validation_error")
    assert list(errors["errors"]) == ["email"]


def test_customers_download_their_booking_as_ics(setup, client):
    created = post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10))).json()
    response = client.get(f"{API}/bookings/{created['reference']}.ics?email=pat@example.test")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:{created['reference']}@alpha.localhost" in response.content.decode()
    problem(
        client.get(f"{API}/bookings/{created['reference']}.ics?email=x@example.test"),
        404,
        "booking_not_found",
    )


def test_a_cancelled_booking_shows_its_reason(setup, client):
    appointment = book(setup["massage"], setup["ann"], at(monday(), 10))
    appointment.status = AppointmentStatus.CANCELLED
    appointment.status_reason = "Therapist unwell"
    appointment.save(update_fields=["status", "status_reason"])
    body = client.get(
        f"{API}/bookings/{appointment.reference}?email={appointment.customer.email}"
    ).json()
    assert (body["status"], body["status_reason"]) == ("cancelled", "Therapist unwell")


# --- rate limits --------------------------------------------------------------------------------


def test_booking_attempts_are_limited_per_address(setup, client, settings):
    settings.PUBLIC_BOOKING_RATE_PER_MINUTE = 2
    day = monday()
    for hour in (9, 11):
        body = booking_body(setup, at(day, hour), email=f"p{hour}@example.test")
        assert post(client, f"{API}/bookings", body).status_code == 201
    response = post(client, f"{API}/bookings", booking_body(setup, at(day, 13)))
    body = problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["detail"].startswith("Too many requests from your address")
    assert Appointment.objects.count() == 2
    # Look-ups count as booking attempts too; another address has its own budget.
    problem(client.get(f"{API}/bookings/ZZZZZZZZ?email=a@b.test"), 429, "rate_limited")
    other = post(
        client, f"{API}/bookings", booking_body(setup, at(day, 13)), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 201, other.content


def test_reads_are_limited_per_address_separately(setup, client, settings):
    settings.PUBLIC_SLOTS_RATE_PER_MINUTE = 3
    settings.PUBLIC_BOOKING_RATE_PER_MINUTE = 100
    assert client.get(f"{API}/services/").status_code == 200
    assert client.get(f"{API}/staff/").status_code == 200
    assert client.get(slots_url(setup, monday())).status_code == 200
    response = client.get(f"{API}/services/")
    problem(response, 429, "rate_limited")
    assert "Retry-After" in response
    assert post(client, f"{API}/bookings", booking_body(setup, at(monday(), 10))).status_code == 201


def test_on_redis_a_request_is_counted_in_one_pipelined_round_trip(monkeypatch):
    """INCR and EXPIRE NX in one pipeline on the cache's own Redis: never the two-step
    add-then-incr fallback kept for other cache backends."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from tenant_apps.scheduling import throttling

    cache = caches["default"]
    assert isinstance(cache, RedisCache)

    def two_steps(*args: object, **kwargs: object) -> None:
        raise AssertionError("the add-then-incr fallback ran on Redis")

    monkeypatch.setattr(type(cache), "add", two_steps)
    monkeypatch.setattr(type(cache), "incr", two_steps)
    key = f"test-window-{uuid.uuid4().hex}"
    assert [throttling._window_count(key) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 2 * throttling.WINDOW_SECONDS


def test_the_default_limits_are_generous(settings):
    from config.settings import base

    assert base.PUBLIC_BOOKING_RATE_PER_MINUTE == 120
    assert base.PUBLIC_SLOTS_RATE_PER_MINUTE == 1200


def test_the_hand_built_booking_answer_equals_the_documented_serializer(db, in_alpha):
    """public_booking_json skips DRF for speed; it must stay what the schema documents."""
    from decimal import Decimal

    from tenant_apps.scheduling.public_serializers import (
        PublicBookingSerializer,
        public_booking_json,
    )

    service = ServiceFactory(price=Decimal("45"), requires_approval=True)
    staff = StaffMemberFactory()
    customer = Customer.objects.create(full_name="Ada Lovelace", email="ada@example.com")
    start = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)
    appointment = Appointment.objects.create(
        reference="ABCDEFGH",
        service=service,
        staff=staff,
        customer=customer,
        start=start,
        end=start + timedelta(minutes=service.duration_minutes),
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=service.duration_minutes),
        status="pending",
        source="public_page",
        price=Decimal("45"),
        currency="GBP",
        status_reason="",
    )

    assert public_booking_json(appointment) == dict(PublicBookingSerializer(appointment).data)
    assert public_booking_json(appointment)["price"] == "45.00"
    assert public_booking_json(appointment)["start"] == "2031-03-04T09:30:00Z"
