"""The public class pages: the week's schedule, booking a spot or a waitlist place through the
wizard-like details step, the confirmation, and claiming an offered spot."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tenant_apps.classes.models import (
    ClassSession,
    ClassSettings,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    SessionStatus,
    WaitlistMode,
)
from tenant_apps.classes.services import enrollment_book, enrollment_cancel
from tenant_apps.classes.tokens import offer_claim_path
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.packages.services import package_product_create, package_sell
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make
from tests.tenant_apps.classes.pages_support import (
    LONDON,
    at,
    call,
    client_as,
    html,
    next_monday,
    portal_client,
)

DESK = Actor(label="Desk")
DETAILS = {"full_name": "Pia Public", "email": "pia@example.test", "phone": "", "spots": "1"}


@pytest.fixture
def web(in_alpha):  # type: ignore[no-untyped-def]
    return client_as(in_alpha, None)


@pytest.fixture
def flow(in_alpha):  # type: ignore[no-untyped-def]
    ann = StaffMemberFactory(display_name="Ann Lee")
    return class_type_make(
        name="Reformer Flow", capacity=2, default_instructor=ann, level="beginner"
    )


def _book(session, customer, **kw):  # type: ignore[no-untyped-def]
    return enrollment_book(
        session=session,
        customer=customer,
        payment=EnrollmentPayment.AT_STUDIO,
        source=EnrollmentSource.OWNER_APP,
        actor=DESK,
        now=timezone.now(),
        **kw,
    )


def test_schedule_shows_spots_left_and_full_classes_without_sign_in(web, flow):
    monday = next_monday()
    open_one = session_make(class_type=flow, start=at(monday, 9))
    full = session_make(class_type=flow, start=at(monday + timedelta(days=1), 18), capacity=1)
    _book(full, CustomerFactory())
    _book(full, CustomerFactory())
    cancelled = session_make(class_type=flow, start=at(monday, 12))
    ClassSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    hidden_type = class_type_make(name="Staff training", is_active=False)
    session_make(class_type=hidden_type, start=at(monday, 15))

    response = call(web, "get", f"/classes/?week={monday.isoformat()}")

    page = html(response)
    assert response.status_code == 200
    assert page.count('class="card schedule-item"') == 2
    item = page[page.index(f'data-session="{open_one.pk}"') :]
    assert "2 spots left" in item and f'href="/classes/{open_one.pk}/book/"' in item
    full_item = page[page.index(f'data-session="{full.pk}"') :]
    assert "Full · 1 waiting" in full_item and "Full - join the waitlist" in full_item
    assert "Staff training" not in page
    assert f'data-session="{cancelled.pk}"' not in page


def test_schedule_filters_and_moves_by_week(web, flow):
    monday = next_monday()
    bob = StaffMemberFactory(display_name="Bob Stone")
    yoga = class_type_make(name="Vinyasa", level="advanced", default_instructor=bob)
    session_make(class_type=flow, start=at(monday, 9))
    session_make(class_type=yoga, start=at(monday, 11))
    session_make(class_type=yoga, start=at(monday + timedelta(days=7), 11))

    level = html(call(web, "get", f"/classes/?week={monday.isoformat()}&level=advanced"))
    teacher = html(call(web, "get", f"/classes/?week={monday.isoformat()}&instructor={bob.pk}"))
    kind = html(call(web, "get", f"/classes/?week={monday.isoformat()}&class_type={flow.pk}"))
    following = html(call(web, "get", f"/classes/?week={(monday + timedelta(days=7)).isoformat()}"))

    assert level.count("schedule-item") == 1 and "Vinyasa" in level
    assert teacher.count("schedule-item") == 1 and "Bob Stone" in teacher
    assert kind.count("schedule-item") == 1 and "Reformer Flow" in kind
    assert following.count("schedule-item") == 1
    assert f"week={monday.isoformat()}" in following  # the previous-week link


def test_schedule_shows_times_in_the_zone_the_visitor_picks(web, flow):
    """Monday 23:00 in London is Tuesday 04:30 in Kolkata (UTC+5:30 all year; London is on
    UTC in December): the class moves to Tuesday's list, the week links keep the zone, and a
    zone that doesn't exist falls back to the studio's."""
    monday = next_monday()
    if at(monday, 23).utcoffset() != timedelta(0):
        pytest.skip("the week chosen is in British Summer Time")
    late = session_make(class_type=flow, start=at(monday, 23))
    week = f"/classes/?week={monday.isoformat()}"

    studio = html(call(web, "get", week))
    kolkata = html(call(web, "get", f"{week}&tz=Asia/Kolkata"))
    unknown = html(call(web, "get", f"{week}&tz=Mars/Olympus_Mons"))

    def day_of(page: str) -> str:
        item = page.index(f'data-session="{late.pk}"')
        return re.findall(r'data-day="([\d-]+)"', page[:item])[-1]

    assert day_of(studio) == monday.isoformat() and ">23:00<" in studio
    assert "Times are the studio's local time (Europe/London)." in studio
    assert day_of(kolkata) == (monday + timedelta(days=1)).isoformat() and ">04:30<" in kolkata
    assert "Times are shown in Asia/Kolkata; the studio is in Europe/London." in kolkata
    assert '<option value="Asia/Kolkata" selected>' in kolkata
    assert "tz=Asia%2FKolkata" in kolkata  # the previous and next week links keep the zone
    filtered = html(call(web, "get", f"{week}&tz=Asia/Kolkata&level=beginner"))
    clear = re.search(r'href="([^"]*)">Clear</a>', filtered)
    assert clear and clear.group(1) == f"/classes/?week={monday.isoformat()}&amp;tz=Asia/Kolkata"
    assert day_of(unknown) == monday.isoformat() and ">23:00<" in unknown
    assert '<option value="Europe/London" selected>' in unknown


def test_book_a_spot_and_see_the_confirmation(web, flow):
    session = session_make(class_type=flow, start=at(next_monday(), 9))

    form = call(web, "get", f"/classes/{session.pk}/book/")
    response = call(web, "post", f"/classes/{session.pk}/book/", {**DETAILS, "note": "New here"})
    done = call(web, "get", response["Location"])

    assert form.status_code == 200 and "Book my spot" in html(form) and "2 spots left" in html(form)
    assert response.status_code == 302 and response["Location"].startswith("/classes/booked/")
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.source, enrollment.spots, enrollment.customer_note) == (
        EnrollmentStatus.BOOKED,
        EnrollmentSource.PUBLIC_PAGE,
        1,
        "New here",
    )
    assert enrollment.customer.email == "pia@example.test"
    page = html(done)
    assert f"data-reference>{enrollment.reference}<" in page
    assert "data-status>Booked<" in page and "You're booked!" in page
    assert Notification.objects.filter(kind=NotificationKind.CLASS_BOOKED).count() == 1


def test_the_zone_picked_on_the_schedule_follows_the_booking_to_its_confirmation(web, flow):
    monday = next_monday()
    if at(monday, 23).utcoffset() != timedelta(0):
        pytest.skip("the week chosen is in British Summer Time")
    session = session_make(class_type=flow, start=at(monday, 23))
    schedule = html(call(web, "get", f"/classes/?week={monday.isoformat()}&tz=Asia/Kolkata"))
    book = f"/classes/{session.pk}/book/?tz=Asia/Kolkata"
    assert f'href="{book}"' in schedule

    form = html(call(web, "get", book))
    response = call(web, "post", book, DETAILS)
    done = html(call(web, "get", response["Location"]))
    studio_time = html(call(web, "get", f"/classes/{session.pk}/book/?tz=Mars/Olympus_Mons"))

    for page in (form, done):
        assert "04:30–05:30" in page  # Tuesday 04:30 in Kolkata is Monday 23:00 in London
        assert "(Asia/Kolkata; the studio is in Europe/London)" in page
    assert f'action="/classes/{session.pk}/book/?tz=Asia%2FKolkata"' in form
    assert response.status_code == 302 and response["Location"].endswith("?tz=Asia%2FKolkata")
    assert Enrollment.objects.get().session == session
    assert "23:00–00:00" in studio_time and "(Europe/London)" in studio_time


def test_a_full_class_puts_the_customer_on_the_waitlist_with_their_position(web, flow):
    session = session_make(class_type=flow, start=at(next_monday(), 9), capacity=1)
    _book(session, CustomerFactory())
    _book(session, CustomerFactory())

    form = html(call(web, "get", f"/classes/{session.pk}/book/"))
    response = call(web, "post", f"/classes/{session.pk}/book/", DETAILS)
    done = html(call(web, "get", response["Location"]))

    assert "Join the waitlist" in form
    mine = Enrollment.objects.get(customer__email="pia@example.test")
    assert mine.status == EnrollmentStatus.WAITLISTED
    assert "data-position>number 2<" in done
    assert "data-status>On the waitlist<" in done


def test_details_errors_are_shown_and_nothing_is_written(web, flow):
    session = session_make(class_type=flow, start=at(next_monday(), 9))

    response = call(
        web,
        "post",
        f"/classes/{session.pk}/book/",
        {"full_name": " ", "email": "nope", "spots": "0"},
    )

    page = html(response)
    assert response.status_code == 422
    assert "Please enter your name." in page
    assert "Enter an email address like name@example.com." in page
    assert "Book at least 1 spot." in page
    assert Enrollment.objects.count() == 0 and Customer.objects.count() == 0


def test_booking_twice_or_too_many_spots_is_refused_on_the_form(web, flow):
    session = session_make(class_type=flow, start=at(next_monday(), 9))
    call(web, "post", f"/classes/{session.pk}/book/", DETAILS)

    again = call(web, "post", f"/classes/{session.pk}/book/", DETAILS)
    too_many = call(
        web,
        "post",
        f"/classes/{session.pk}/book/",
        {**DETAILS, "email": "q@example.test", "spots": "3"},
    )

    assert again.status_code == 409
    assert "already booked or on the waitlist" in html(again)
    assert too_many.status_code == 422
    assert "This class has 2 spots in all." in html(too_many)
    assert Enrollment.objects.count() == 1


def test_paying_with_credits_needs_the_portal_sign_in(web, flow):
    # An email address typed on a public page proves nothing: credits are spent only by the
    # customer signed in to their portal.
    session = session_make(class_type=flow, start=at(next_monday(), 9))

    page = html(call(web, "get", f"/classes/{session.pk}/book/"))
    response = call(web, "post", f"/classes/{session.pk}/book/", {**DETAILS, "payment": "credits"})

    assert 'value="credits"' not in page
    assert "Sign in to your bookings page" in page
    assert response.status_code == 422
    assert "To pay with credits, sign in" in html(response)
    assert Enrollment.objects.count() == 0
    assert ClassSession.objects.get(pk=session.pk).taken == 0


def test_a_signed_in_customer_pays_with_their_own_credits(in_alpha, flow):
    session = session_make(class_type=flow, start=at(next_monday(), 9))
    pia = CustomerFactory(full_name="Pia Public", email="pia@example.test")
    product = package_product_create(
        tenant=in_alpha, data={"name": "Five", "credits": 5, "class_types": [flow.pk]}
    )
    package = package_sell(
        customer=pia, product=product, sale_method="cash", actor=DESK, now=timezone.now()
    )
    portal = portal_client(in_alpha, pia)

    page = html(call(portal, "get", f"/classes/{session.pk}/book/"))
    someone_else = call(
        portal,
        "post",
        f"/classes/{session.pk}/book/",
        {**DETAILS, "email": "other@example.test", "payment": "credits"},
    )
    own = call(portal, "post", f"/classes/{session.pk}/book/", {**DETAILS, "payment": "credits"})

    assert 'value="credits"' in page and 'value="pia@example.test"' in page
    assert someone_else.status_code == 422
    assert own.status_code == 302
    enrollment = Enrollment.objects.get()
    assert (enrollment.customer_id, enrollment.payment) == (pia.pk, EnrollmentPayment.CREDITS)
    package.refresh_from_db()
    assert package.balance == 4


def test_the_same_form_sent_twice_books_once(web, flow):
    session = session_make(class_type=flow, start=at(next_monday(), 9))
    data = {**DETAILS, "attempt": "a" * 32}

    first = call(web, "post", f"/classes/{session.pk}/book/", data)
    second = call(web, "post", f"/classes/{session.pk}/book/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Enrollment.objects.count() == 1


def test_cancelled_started_or_unknown_classes_cannot_be_booked(web, flow):
    cancelled = session_make(class_type=flow, start=at(next_monday(), 9))
    ClassSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    started = session_make(class_type=flow, start=timezone.now() - timedelta(minutes=5))

    for path in (
        f"/classes/{cancelled.pk}/book/",
        f"/classes/{started.pk}/book/",
        "/classes/999999/book/",
    ):
        response = call(web, "post", path, DETAILS)
        assert response.status_code == 404, path
        assert "This class can&#x27;t be booked" in html(response)
    assert Enrollment.objects.count() == 0


def test_a_damaged_confirmation_link_is_a_clear_page(web, flow):
    response = call(web, "get", "/classes/booked/not-a-token/")

    assert response.status_code == 404
    assert "We can&#x27;t find this booking" in html(response)


@pytest.fixture
def offer(in_alpha, flow):  # type: ignore[no-untyped-def]
    """A spot offered to the first in line (the studio works in offer mode)."""
    ClassSettings.objects.create(waitlist_mode=WaitlistMode.OFFER, claim_window_minutes=60)
    session = session_make(class_type=flow, start=at(next_monday(), 9), capacity=1)
    first = _book(session, CustomerFactory())
    waiting = _book(session, CustomerFactory(full_name="Quinn Queue"))
    enrollment_cancel(enrollment=first, actor=DESK, now=timezone.now())
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.OFFERED
    return waiting


def test_claim_page_shows_the_offer_then_books_the_spot(web, offer):
    path = offer_claim_path(offer)

    shown = call(web, "get", path)
    offer.refresh_from_db()
    still_offered = offer.status
    claimed = call(web, "post", path)

    offer.refresh_from_db()
    assert shown.status_code == 200
    assert "Claim my spot" in html(shown) and "Quinn Queue" in html(shown)
    assert still_offered == EnrollmentStatus.OFFERED  # looking doesn't claim
    assert claimed.status_code == 302 and claimed["Location"].startswith("/classes/booked/")
    assert offer.status == EnrollmentStatus.BOOKED
    again = call(web, "get", path)
    assert again.status_code == 302  # claimed already: straight to the booking


def test_expired_and_invalid_claim_links_are_clear_pages(web, offer):
    Enrollment.objects.filter(pk=offer.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    path = offer_claim_path(offer)

    expired_get = call(web, "get", path)
    expired_post = call(web, "post", path)
    forged = call(web, "get", "/classes/claim/forged-token/")
    forged_post = call(web, "post", "/classes/claim/forged-token/")

    assert expired_get.status_code == expired_post.status_code == 410
    assert "This offer has expired" in html(expired_get)
    assert forged.status_code == forged_post.status_code == 404
    assert "This link doesn&#x27;t work" in html(forged)
    offer.refresh_from_db()
    assert offer.status in (EnrollmentStatus.OFFERED, EnrollmentStatus.OFFER_EXPIRED)


def test_studio_home_links_to_the_schedule_only_when_there_are_classes(web, flow):
    before = html(call(web, "get", "/"))
    session_make(class_type=flow, start=at(next_monday(), 9))
    after = html(call(web, "get", "/"))

    assert 'data-cta="classes"' not in before
    assert re.search(r'href="/classes/" data-cta="classes"', after)


def test_schedule_and_details_show_the_studios_summer_time(web, flow):
    today = timezone.now().astimezone(LONDON).date()
    summer = date(today.year + 1, 7, 6)
    summer -= timedelta(days=summer.weekday())
    session = session_make(class_type=flow, start=at(summer, 18))

    schedule = html(call(web, "get", f"/classes/?week={summer.isoformat()}"))
    details = html(call(web, "get", f"/classes/{session.pk}/book/"))

    assert "18:00<small>19:00</small>" in schedule
    assert "18:00–19:00" in details
