"""The booking wizard, step by step, through the real stack (no sign-in)."""

from __future__ import annotations

import html
import re
from datetime import UTC
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from tenant_apps.booking.links import confirmation_token
from tenant_apps.catalog.models import BookingPage
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    IdempotencyRecord,
)
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tests.factories.catalog import CustomerFactory
from tests.tenant_apps.booking.conftest import (
    NEW_YORK,
    at,
    details_body,
    monday,
    slot_text,
    slots_in,
)

WIZARD = "/book/spring"


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def nothing_written() -> None:
    assert Appointment.objects.count() == 0
    assert Customer.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


# --- page lookup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/book/nope/", "/book/nope/staff/?service=1", "/book/nope/time/"])
def test_an_unknown_booking_page_is_a_friendly_404(studio, web, path):
    response = web.get(path)

    assert response.status_code == 404
    content = text(response)
    assert "This booking page isn't available" in content
    assert 'href="/book/book/"' in content  # the studio's default page instead


def test_book_on_its_own_leads_to_the_studios_default_page(studio, web):
    assert web.get("/book/")["Location"] == "/book/book/"
    assert web.get("/book/?staff=3")["Location"] == "/book/book/?staff=3"
    BookingPage.objects.update(is_active=False)
    response = web.get("/book/")
    assert response.status_code == 404
    assert "This booking page isn't available" in text(response)


def test_an_inactive_booking_page_is_a_friendly_404(studio, web):
    BookingPage.objects.filter(pk=studio["page"].pk).update(is_active=False)

    response = web.get(f"{WIZARD}/")

    assert response.status_code == 404
    assert "This booking page isn't available" in text(response)


# --- step 1: service -----------------------------------------------------------------------------


def test_service_step_lists_the_pages_services_with_duration_and_price(studio, web):
    response = web.get(f"{WIZARD}/")

    assert response.status_code == 200
    content = text(response)
    assert slots_in(content, "data-service") == [
        str(studio["massage"].pk),
        str(studio["facial"].pk),
    ]
    assert "45 min" in content and "£30" in content
    assert "1 h" in content and "£50" in content
    assert "Needs approval" in content  # the facial, before booking
    assert f'href="{WIZARD}/staff/?service={studio["massage"].pk}"' in content
    assert 'aria-current="step"' in content


def test_a_page_without_services_offers_every_bookable_service(studio, web):
    page = BookingPage.objects.create(slug="all", title="Everything")

    response = web.get(f"/book/{page.slug}/")

    assert slots_in(text(response), "data-service") == [
        str(studio["massage"].pk),
        str(studio["facial"].pk),
    ]  # by category (Body, Face); the retired service never shows


def test_coming_from_a_staff_card_lists_their_services_and_skips_the_staff_step(studio, web):
    response = web.get(f"{WIZARD}/?staff={studio['ann'].pk}")

    content = text(response)
    assert slots_in(content, "data-service") == [str(studio["massage"].pk)]
    assert (
        f'href="{WIZARD}/time/?service={studio["massage"].pk}&staff={studio["ann"].pk}"' in content
    )


# --- step 2: staff -------------------------------------------------------------------------------


def test_staff_step_offers_any_available_and_the_services_performers(studio, web):
    response = web.get(f"{WIZARD}/staff/?service={studio['massage'].pk}")

    assert response.status_code == 200
    content = text(response)
    assert slots_in(content, "data-staff") == ["any", str(studio["ann"].pk), str(studio["ben"].pk)]
    assert "AA" in content  # Ann's initials avatar (no photo)
    assert f'href="{WIZARD}/time/?service={studio["massage"].pk}&staff=any"' in content


@pytest.mark.parametrize("case", ["inactive", "not_on_page", "unknown", "garbage"])
def test_staff_step_with_a_service_that_cannot_be_booked_goes_back_to_services(case, studio, web):
    service_id = {
        "inactive": str(studio["retired"].pk),
        "not_on_page": "999999",
        "unknown": "0",
        "garbage": "massage'--",
    }[case]

    response = web.get(f"{WIZARD}/staff/?service={service_id}")

    assert response.status_code == 200
    content = text(response)
    assert "That service can't be booked online any more." in content
    assert slots_in(content, "data-service") == [
        str(studio["massage"].pk),
        str(studio["facial"].pk),
    ]


def test_an_inactive_service_is_refused_on_every_later_step(studio, web):
    day = monday()
    query = f"service={studio['retired'].pk}&staff={studio['ann'].pk}&slot={slot_text(at(day, 10))}"

    for step in ("time", "details"):
        response = web.get(f"{WIZARD}/{step}/?{query}")
        assert "That service can't be booked online any more." in text(response)
    response = web.post(f"{WIZARD}/details/?{query}", details_body(at(day, 10)))

    assert "That service can't be booked online any more." in text(response)
    nothing_written()


# --- step 3: date and time -----------------------------------------------------------------------


def test_time_step_marks_the_days_with_free_times_and_lists_the_chosen_days_slots(studio, web):
    day = monday()
    appointment_create(
        service=studio["massage"],
        staff=studio["ann"],
        customer=CustomerFactory(),
        start=at(day, 10),
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )
    month = f"{day:%Y-%m}"

    response = web.get(
        f"{WIZARD}/time/?service={studio['massage'].pk}&staff={studio['ann'].pk}"
        f"&month={month}&date={day.isoformat()}&tz=Europe/London"
    )

    assert response.status_code == 200
    content = text(response)
    open_days = re.findall(r'class="day is-open[^"]*" href="[^"]+" data-day="([^"]+)"', content)
    assert day.isoformat() in open_days
    assert all(d.startswith(month) for d in open_days)
    # 9:00 to 16:00 every 15 minutes, except where an hour plus its 15-minute buffer would
    # touch the 10:00-11:15 booking (with its own buffer): Ann's day starts at 11:15.
    slots = slots_in(content)
    assert slots[0] == slot_text(at(day, 11, 15))
    assert slots[-1] == slot_text(at(day, 16))
    assert len(slots) == 20  # 11:15 ... 16:00
    assert slot_text(at(day, 9)) not in slots
    assert 'aria-current="date"' in content
    assert "studio time" not in content  # the customer's zone is the studio's


def test_time_step_in_another_zone_shows_local_and_studio_times(studio, web):
    day = monday()

    response = web.get(
        f"{WIZARD}/time/?service={studio['massage'].pk}&staff={studio['ann'].pk}"
        f"&date={day.isoformat()}&tz=America/New_York"
    )

    content = text(response)
    first = at(day, 9)
    local = first.astimezone(NEW_YORK).strftime("%H:%M")
    assert re.search(
        rf'data-slot="{slot_text(first)}">\s*<span class="slot-time">{local}</span>\s*'
        r'<span class="slot-studio">09:00 studio</span>',
        content,
    )
    assert "The studio is in Europe/London" in content
    assert '<option value="America/New_York" selected>' in content


def test_time_step_without_staff_goes_back_to_the_staff_step(studio, web):
    response = web.get(f"{WIZARD}/time/?service={studio['massage'].pk}&staff=12345")

    content = text(response)
    assert "That person can't be booked for this service any more." in content
    assert slots_in(content, "data-staff") == ["any", str(studio["ann"].pk), str(studio["ben"].pk)]


def test_time_step_is_rate_limited_like_the_public_slots_api(studio, web, settings):
    settings.PUBLIC_SLOTS_RATE_PER_MINUTE = 1
    path = f"{WIZARD}/time/?service={studio['massage'].pk}&staff=any"

    first, second = web.get(path), web.get(path)

    assert first.status_code == 200
    assert second.status_code == 429
    assert "Please wait a moment" in text(second)
    assert int(second["Retry-After"]) >= 1


# --- step 4: details -----------------------------------------------------------------------------


def details_url(studio: dict[str, Any], when: Any, staff: str = "any", service: str = "massage"):
    return (
        f"{WIZARD}/details/?service={studio[service].pk}&staff={staff}"
        f"&slot={slot_text(when)}&tz=Europe/London"
    )


def test_details_step_asks_for_contact_details_questions_and_policy(studio, web):
    when = at(monday(), 11)

    response = web.get(details_url(studio, when))

    assert response.status_code == 200
    content = text(response)
    for name in ("full_name", "email", "phone", "q_goals", "q_level", "q_injuries", "note"):
        assert f'name="{name}"' in content
    assert 'name="marketing_consent"' in content
    assert 'name="accept_policy"' in content
    assert POLICY_SNIPPET in content
    assert f'<input type="hidden" name="slot" value="{slot_text(when)}">' in content
    assert "Book now" in content


POLICY_SNIPPET = "Cancel at least 24 hours ahead or pay in full."


def test_a_customer_books_and_lands_on_the_confirmation(studio, web):
    when = at(monday(), 11)

    response = web.post(details_url(studio, when), details_body(when))

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert response["Location"].startswith("/book/spring/done/")
    assert parse_qs(urlsplit(response["Location"]).query) == {"tz": ["Europe/London"]}
    assert (appointment.start, appointment.status, appointment.source) == (
        when,
        AppointmentStatus.CONFIRMED,
        AppointmentSource.PUBLIC_PAGE,
    )
    assert appointment.staff == studio["ann"]  # "any": the first free by name
    assert appointment.answers == {"goals": "Lower back", "level": "Regular", "injuries": True}
    assert appointment.customer_note == "First visit"
    customer = appointment.customer
    assert (customer.full_name, customer.email, customer.phone, customer.marketing_consent) == (
        "Pat Doe",
        "pat@example.test",
        "+44 7700 900123",
        True,
    )
    assert appointment.activity.get().actor_label == "Pat Doe (online booking)"

    done = web.get(response["Location"])

    content = text(done)
    assert done.status_code == 200
    assert f"data-reference>{appointment.reference}<" in content
    assert "You're booked!" in content
    assert (
        f'href="/api/v1/public/bookings/{appointment.reference}.ics?email=pat%40example.test"'
        in content
    )
    start_utc = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    end_utc = appointment.end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"dates={start_utc}%2F{end_utc}" in done.content.decode()
    assert 'href="/portal/open/' in content
    assert "11:00–12:00" in content


def test_the_confirmations_calendar_file_starts_at_the_booked_time(studio, web):
    when = at(monday(), 11)
    web.post(details_url(studio, when), details_body(when))
    appointment = Appointment.objects.get()

    ics = web.get(f"/api/v1/public/bookings/{appointment.reference}.ics?email=pat@example.test")

    assert ics.status_code == 200
    assert f"DTSTART;TZID=Europe/London:{when:%Y%m%dT%H%M%S}" in ics.content.decode()


def test_a_service_needing_approval_is_requested_and_pending(studio, web):
    when = at(monday(), 14)

    response = web.post(
        details_url(studio, when, service="facial"), details_body(when, marketing_consent=None)
    )

    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.PENDING
    assert appointment.customer.marketing_consent is False
    done = text(web.get(response["Location"]))
    assert "Booking requested" in done
    assert "data-status>pending approval<" in done


def test_the_details_step_of_a_service_needing_approval_says_so(studio, web):
    content = text(web.get(details_url(studio, at(monday(), 14), service="facial")))

    assert "needs the studio's approval" in content
    assert "Request booking" in content


@pytest.mark.parametrize(
    ("case", "overrides", "field", "message"),
    [
        ("invalid_email", {"email": "pat@"}, "email", "Enter an email address like"),
        ("no_name", {"full_name": "  "}, "full_name", "Please enter your name."),
        ("bad_phone", {"phone": "call me"}, "phone", "Enter a phone number"),
        ("question_missing", {"q_goals": ""}, "q_goals", "Please answer this question."),
        ("choice_unknown", {"q_level": "Expert"}, "q_level", "Please choose one of the options."),
        ("policy_not_accepted", {"accept_policy": None}, "accept_policy", "Please accept"),
    ],
)
def test_bad_details_are_shown_beside_their_field_and_nothing_is_written(
    case, overrides, field, message, studio, web
):
    when = at(monday(), 11)

    response = web.post(details_url(studio, when), details_body(when, **overrides))

    assert response.status_code == 422
    content = text(response)
    assert message in content.split(f'data-field="{field}"', 1)[1].split("data-field=", 1)[0]
    assert 'value="Pat Doe"' in content or field == "full_name"  # what was typed is kept
    nothing_written()
    assert mail.outbox == []


def test_a_slot_taken_meanwhile_shows_a_message_fresh_times_and_keeps_the_typing(studio, web):
    day = monday()
    when = at(day, 11)
    # Ann and Ben both get booked at 11:00 while the customer types.
    for person in ("ann", "ben"):
        appointment_create(
            service=studio["massage"],
            staff=studio[person],
            customer=CustomerFactory(),
            start=when,
            source=AppointmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )

    response = web.post(details_url(studio, when), details_body(when, note="Please be gentle"))

    assert response.status_code == 409
    content = text(response)
    assert "Sorry, someone else booked 11:00 while you were filling in the form." in content
    fresh = re.findall(r'name="slot" value="([^"]+)"', content)
    assert slot_text(when) not in fresh
    assert fresh[0] == slot_text(at(day, 9))
    assert slot_text(at(day, 12, 15)) in fresh  # after the 11:00 hour and its buffer
    assert 'value="Pat Doe"' in content
    assert 'value="pat@example.test"' in content
    assert "Please be gentle</textarea>" in content
    assert 'value="Lower back"' in content
    assert Appointment.objects.count() == 2  # only the desk's
    assert not Customer.objects.filter(email="pat@example.test").exists()

    # Picking one of the fresh times books it with everything typed.
    retry = web.post(
        details_url(studio, when),
        details_body(when, slot=slot_text(at(day, 13)), attempt="attempt-2"),
    )

    assert retry.status_code == 302
    booked = Appointment.objects.get(customer__email="pat@example.test")
    assert booked.start == at(day, 13)


def test_opening_the_details_of_a_time_already_taken_offers_fresh_times(studio, web):
    day = monday()
    when = at(day, 11)
    appointment_create(
        service=studio["massage"],
        staff=studio["ann"],
        customer=CustomerFactory(),
        start=when,
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )

    response = web.get(details_url(studio, when, staff=str(studio["ann"].pk)))

    content = text(response)
    assert "someone else booked 11:00" in content
    assert slot_text(when) not in re.findall(r'name="slot" value="([^"]+)"', content)


def test_a_resent_form_books_once_and_lands_on_the_same_confirmation(studio, web):
    when = at(monday(), 11)
    body = details_body(when)

    first = web.post(details_url(studio, when), body)
    second = web.post(details_url(studio, when), body)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1


def test_booking_is_rate_limited_like_the_public_booking_api(studio, web, settings):
    settings.PUBLIC_BOOKING_RATE_PER_MINUTE = 0
    when = at(monday(), 11)

    response = web.post(details_url(studio, when), details_body(when))

    assert response.status_code == 429
    assert "Too many requests from your address" in text(response)
    nothing_written()


def test_unticked_consent_never_withdraws_earlier_consent(studio, web):
    CustomerFactory(email="pat@example.test", full_name="Pat Doe", marketing_consent=True)
    when = at(monday(), 11)

    web.post(details_url(studio, when), details_body(when, marketing_consent=None))

    assert Customer.objects.get(email="pat@example.test").marketing_consent is True


def test_details_without_a_time_go_back_to_the_time_step(studio, web):
    response = web.get(f"{WIZARD}/details/?service={studio['massage'].pk}&staff=any&slot=soon")

    content = text(response)
    assert "Please choose a time first." in content
    assert 'class="month-grid"' in content


# --- step 5: confirmation ------------------------------------------------------------------------


def test_a_forged_confirmation_link_is_a_404(studio, web):
    response = web.get(f"{WIZARD}/done/{confirmation_token('ZZZZZZZZ')}/")
    forged = web.get(f"{WIZARD}/done/not-a-token/")

    assert response.status_code == forged.status_code == 404
