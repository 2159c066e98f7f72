"""Who hears about which change, and what their email says (times in their own zone)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from shared_apps.accounts.models import User
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.portal.links import booking_link_reference
from tenant_apps.reviews.links import review_link_reference
from tenant_apps.scheduling.models import AppointmentStatus
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import StaffMemberFactory, weekly_hours_set

from .conftest import MONDAY_0900_UTC

TUESDAY_1300_UTC = datetime(2027, 6, 15, 13, tzinfo=UTC)  # 14:00 in London (BST)


def _sent(django_capture_on_commit_callbacks, action):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    return result, {m.to[0]: m for m in mail.outbox}


def _html(message: EmailMultiAlternatives) -> str:
    (content, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def _ics(message: EmailMultiAlternatives) -> str:
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.startswith("appointment-") and filename.endswith(".ics")
    assert mimetype == "text/calendar"
    return str(content)


def _portal_token(text: str) -> str:
    match = re.search(r"http://alpha\.localhost:8000/portal/open/([^/\s\"]+)/", text)
    assert match, text
    return match.group(1)


CUSTOMER = "Anna Kowalska <anna@example.test>"
STAFF = "Maya Lind <maya@alpha.test>"
OWNER = "Alpha Owner <owner@alpha.test>"


def test_an_immediately_confirmed_booking(desk, django_capture_on_commit_callbacks):
    appointment, sent = _sent(django_capture_on_commit_callbacks, desk.book)

    assert set(sent) == {CUSTOMER, STAFF, OWNER}
    customer = sent[CUSTOMER]
    assert customer.subject == "Booking confirmed: Reformer Session on Mon 14 Jun, 10:00"
    assert customer.from_email == "Alpha Pilates <hello@studiobook.test>"
    assert customer.reply_to == ["owner@alpha.test"]
    assert "When: Monday 14 June 2027, 10:00 BST until 10:55" in customer.body
    assert f"Reference: {appointment.reference}" in customer.body
    assert booking_link_reference(_portal_token(customer.body)) == appointment.reference
    html = _html(customer)
    assert "Alpha Pilates" in html and "Monday 14 June 2027, 10:00 BST" in html
    assert booking_link_reference(_portal_token(html)) == appointment.reference
    ics = _ics(customer)
    assert "DTSTART;TZID=Europe/London:20270614T100000" in ics
    assert "STATUS:CONFIRMED" in ics
    assert f"UID:{appointment.reference}@alpha.localhost" in ics

    staff = sent[STAFF]
    assert staff.subject == "New booking: Anna Kowalska, Reformer Session on Mon 14 Jun, 10:00"
    assert "Customer: Anna Kowalska <anna@example.test>" in staff.body
    assert "Open the studio app: http://alpha.localhost:8000/app/" in staff.body
    assert "/portal/open/" not in staff.body  # the customer's personal link stays theirs
    assert "DTSTART;TZID=Europe/London:20270614T100000" in _ics(staff)
    assert sent[OWNER].subject == staff.subject


def test_a_request_that_needs_approval(desk, django_capture_on_commit_callbacks):
    desk.service.requires_approval = True
    desk.service.save(update_fields=["requires_approval"])

    appointment, sent = _sent(django_capture_on_commit_callbacks, desk.book)

    assert appointment.status == AppointmentStatus.PENDING
    assert set(sent) == {CUSTOMER, STAFF, OWNER}
    assert sent[CUSTOMER].subject == "Request received: Reformer Session on Mon 14 Jun, 10:00"
    assert "NOT CONFIRMED YET" in sent[CUSTOMER].body
    assert "STATUS:TENTATIVE" in _ics(sent[CUSTOMER])
    assert "needs your approval" in sent[OWNER].body

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(appointment, AppointmentStatus.CONFIRMED),
    )

    assert set(sent) == {CUSTOMER}  # the studio confirmed it: only the customer is told
    assert sent[CUSTOMER].subject == "Booking confirmed: Reformer Session on Mon 14 Jun, 10:00"
    assert "STATUS:CONFIRMED" in _ics(sent[CUSTOMER])


def test_a_rejected_request_tells_the_reason(desk, django_capture_on_commit_callbacks):
    desk.service.requires_approval = True
    desk.service.save(update_fields=["requires_approval"])
    appointment = desk.book()

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(
            appointment, AppointmentStatus.REJECTED, reason="We are closed for a private event"
        ),
    )

    assert set(sent) == {CUSTOMER}
    message = sent[CUSTOMER]
    assert message.subject == "Request declined: Reformer Session on Mon 14 Jun, 10:00"
    assert "The studio's reason: We are closed for a private event" in message.body
    assert "We are closed for a private event" in _html(message)
    assert booking_link_reference(_portal_token(message.body)) == appointment.reference
    assert message.attachments == []


def test_a_move_by_the_studio_tells_the_customer_only(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()

    _, sent = _sent(
        django_capture_on_commit_callbacks, lambda: desk.move(appointment, TUESDAY_1300_UTC)
    )

    assert set(sent) == {CUSTOMER}
    message = sent[CUSTOMER]
    assert message.subject == "Booking moved: Reformer Session now on Tue 15 Jun, 14:00"
    assert "When: Tuesday 15 June 2027, 14:00 BST until 14:55" in message.body
    assert "Was: Monday 14 June 2027, 10:00 BST" in message.body
    ics = _ics(message)
    assert "DTSTART;TZID=Europe/London:20270615T140000" in ics
    assert "SEQUENCE:1" in ics  # calendar apps replace the earlier event


def test_a_move_by_the_customer_tells_the_studio_too(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()
    by_customer = Actor.for_customer(desk.customer, via="portal")

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.move(appointment, TUESDAY_1300_UTC, actor=by_customer),
    )

    assert set(sent) == {CUSTOMER, STAFF, OWNER}
    assert sent[STAFF].subject == (
        "Moved by the customer: Anna Kowalska, Reformer Session now on Tue 15 Jun, 14:00"
    )
    assert "Was: Monday 14 June 2027, 10:00 BST" in sent[STAFF].body


def test_a_cancellation_by_the_studio(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(appointment, AppointmentStatus.CANCELLED, reason="Teacher ill"),
    )

    assert set(sent) == {CUSTOMER}
    message = sent[CUSTOMER]
    assert message.subject == "Booking cancelled: Reformer Session on Mon 14 Jun, 10:00"
    assert "Reason: Teacher ill" in message.body
    assert "STATUS:CANCELLED" in _ics(message)


def test_a_cancellation_by_the_customer_tells_the_studio(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()
    by_customer = Actor.for_customer(desk.customer, via="portal")

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(
            appointment, AppointmentStatus.CANCELLED, reason="Away that week", actor=by_customer
        ),
    )

    assert set(sent) == {CUSTOMER, STAFF, OWNER}
    assert sent[OWNER].subject == (
        "Cancelled by the customer: Anna Kowalska, Reformer Session on Mon 14 Jun, 10:00"
    )
    assert "Their reason: Away that week" in sent[OWNER].body


def test_a_completed_visit_invites_a_review(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(appointment, AppointmentStatus.COMPLETED),
    )

    assert set(sent) == {CUSTOMER}
    message = sent[CUSTOMER]
    assert message.subject == "How was your Reformer Session at Alpha Pilates?"
    match = re.search(
        r"Rate your visit: http://alpha\.localhost:8000/reviews/([^/\s]+)/", message.body
    )
    assert match
    assert review_link_reference(match.group(1)) == appointment.reference
    assert booking_link_reference(_portal_token(message.body)) == appointment.reference
    assert message.attachments == []


def test_a_no_show_sends_nothing(desk, django_capture_on_commit_callbacks):
    appointment = desk.book()

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(appointment, AppointmentStatus.NO_SHOW),
    )

    assert sent == {}


def test_no_customer_email_no_customer_messages(desk, django_capture_on_commit_callbacks):
    desk.customer.email = ""
    desk.customer.save(update_fields=["email"])
    appointment, sent = _sent(django_capture_on_commit_callbacks, desk.book)
    assert set(sent) == {STAFF, OWNER}

    _, sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: desk.set_status(appointment, AppointmentStatus.COMPLETED),
    )

    assert sent == {}
    assert not Notification.objects.filter(kind=NotificationKind.REVIEW_INVITATION).exists()


def test_the_person_who_books_is_not_told_about_it(
    desk, alpha_owner, django_capture_on_commit_callbacks
):
    _, sent = _sent(
        django_capture_on_commit_callbacks, lambda: desk.book(actor=Actor.for_user(alpha_owner))
    )

    assert set(sent) == {CUSTOMER, STAFF}


def test_staff_read_times_in_their_own_zone(desk, django_capture_on_commit_callbacks):
    desk.staff.timezone = "America/New_York"
    desk.staff.save(update_fields=["timezone"])
    start = datetime(2027, 6, 14, 14, tzinfo=UTC)  # 10:00 in New York, 15:00 in London

    _, sent = _sent(django_capture_on_commit_callbacks, lambda: desk.book(start))

    assert (
        sent[STAFF].subject == "New booking: Anna Kowalska, Reformer Session on Mon 14 Jun, 10:00"
    )
    assert "When: Monday 14 June 2027, 10:00 EDT until 10:55" in sent[STAFF].body
    # The customer and the owner read the studio's clock.
    assert "When: Monday 14 June 2027, 15:00 BST until 15:55" in sent[CUSTOMER].body
    assert "When: Monday 14 June 2027, 15:00 BST until 15:55" in sent[OWNER].body


def test_staff_without_an_email_are_reached_through_their_login(
    in_alpha, desk, django_capture_on_commit_callbacks
):
    user = User.objects.create_user("theo@alpha.test", "x" * 20, full_name="Theo Marsh")
    teacher = StaffMemberFactory(display_name="Theo Marsh", email="", user=user)
    weekly_hours_set(teacher)
    desk.service.staff.add(teacher)
    desk.staff = teacher

    _, sent = _sent(django_capture_on_commit_callbacks, lambda: desk.book(MONDAY_0900_UTC))

    assert "Theo Marsh <theo@alpha.test>" in sent


def test_the_studio_logo_is_an_absolute_url(in_alpha, desk, django_capture_on_commit_callbacks):
    in_alpha.logo = "alpha/logos/mark.png"
    in_alpha.save(update_fields=["logo"])

    _, sent = _sent(django_capture_on_commit_callbacks, desk.book)

    assert 'src="http://alpha.localhost:8000/media/alpha/logos/mark.png"' in _html(sent[CUSTOMER])


@pytest.mark.parametrize("scheme", ["https"])
def test_links_follow_the_platform_scheme(
    desk, settings, scheme, django_capture_on_commit_callbacks
):
    settings.PLATFORM_SCHEME = scheme
    settings.PLATFORM_PORT = ""

    _, sent = _sent(django_capture_on_commit_callbacks, desk.book)

    assert "https://alpha.localhost/portal/open/" in sent[CUSTOMER].body
