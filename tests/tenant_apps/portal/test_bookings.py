"""The customer's bookings in the portal: lists, detail, cancel and reschedule inside and
outside the service's windows, a time taken meanwhile, and isolation between customers."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from django_tenants.test.client import TenantClient

from tenant_apps.scheduling.models import Appointment, AppointmentActivity, AppointmentStatus
from tests.tenant_apps.portal.support import (
    Studio,
    at,
    book,
    completed,
    day_ahead,
    sign_in_via_booking,
)


def test_lists_show_own_upcoming_and_past_bookings_in_studio_time(
    studio: Studio, client: TenantClient
) -> None:
    # given Pat's booking in three days, a past one, and Sam's booking
    upcoming = book(studio, at(day_ahead(3), 10))
    past = completed(studio, at(day_ahead(-3), 14))
    theirs = book(studio, at(day_ahead(3), 14), customer=studio.sam)
    sign_in_via_booking(client, upcoming)
    # when Pat opens the list
    page = client.get("/portal/bookings/").content.decode()
    upcoming_part, past_part = page.split('id="past-title"')
    # then it shows Pat's bookings with London times, and nothing of Sam's
    assert upcoming.reference in upcoming_part
    assert at(day_ahead(3), 10).strftime("%A %-d %B %Y, 10:00") in upcoming_part
    assert past.reference in past_part
    assert "Leave a review" in past_part
    assert theirs.reference not in page


def test_other_customers_booking_is_not_found(studio: Studio, client: TenantClient) -> None:
    mine = book(studio, at(day_ahead(3), 10))
    theirs = book(studio, at(day_ahead(3), 14), customer=studio.sam)
    sign_in_via_booking(client, mine)
    base = f"/portal/bookings/{theirs.reference}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "reschedule/").status_code == 404
    assert client.post(base + "cancel/", {"reason": "x"}).status_code == 404
    assert client.get("/portal/bookings/NOPE1234/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.CONFIRMED


def test_cancel_inside_the_window(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    # when Pat cancels three days ahead (the window is 24 hours) without a reason
    response = client.post(f"/portal/bookings/{appointment.reference}/cancel/", {"reason": ""})
    # then the booking is cancelled by the customer, with the default reason, and logged
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.status_reason == "Cancelled by the customer"
    activity = AppointmentActivity.objects.filter(appointment=appointment).last()
    assert activity is not None
    assert (activity.action, activity.actor_label) == ("status:cancelled", "Pat Doe (portal)")
    page = client.get(response["Location"]).content.decode()
    assert f"Your booking {appointment.reference} is cancelled." in page


def test_cancel_keeps_the_customers_reason(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    client.post(f"/portal/bookings/{appointment.reference}/cancel/", {"reason": " Flu "})
    appointment.refresh_from_db()
    assert (appointment.status, appointment.status_reason) == ("cancelled", "Flu")


def test_cancel_outside_the_window_is_refused_with_the_policy(
    studio: Studio, client: TenantClient, alpha
) -> None:
    # given a 5-day cancel window, a studio phone, and a booking in three days
    studio.massage.cancel_notice_minutes = 5 * 24 * 60
    studio.massage.save(update_fields=["cancel_notice_minutes"])
    type(alpha).objects.filter(pk=alpha.pk).update(contact_phone="+44 20 7946 0000")
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    # the page explains instead of offering the button
    detail = client.get(f"/portal/bookings/{appointment.reference}/").content.decode()
    assert "Cancel this booking" not in detail
    assert "can be cancelled online up to 5 days before they start" in detail
    # when Pat posts anyway
    response = client.post(f"/portal/bookings/{appointment.reference}/cancel/", {"reason": "x"})
    # then it is refused and nothing changed
    assert response.status_code == 409
    assert (
        "Bookings for this service can be cancelled online up to 5 days before they start. "
        "Please call the studio on +44 20 7946 0000 to cancel."
    ) in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert not AppointmentActivity.objects.filter(
        appointment=appointment, action="status:cancelled"
    ).exists()


def test_cancelled_booking_cannot_be_cancelled_again(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    client.post(f"/portal/bookings/{appointment.reference}/cancel/", {"reason": ""})
    again = client.post(f"/portal/bookings/{appointment.reference}/cancel/", {"reason": "x"})
    assert again.status_code == 409
    assert "no longer active" in again.content.decode()
    appointment.refresh_from_db()
    assert appointment.status_reason == "Cancelled by the customer"


def test_too_long_reason_is_a_form_error(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    response = client.post(
        f"/portal/bookings/{appointment.reference}/cancel/", {"reason": "x" * 501}
    )
    assert response.status_code == 422
    assert "Ensure this value has at most 500 characters" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def _slot_values(page: str) -> list[str]:
    import re

    return re.findall(r'name="start" value="([^"]+)"', page)


def test_reschedule_inside_the_window(studio: Studio, client: TenantClient) -> None:
    day = day_ahead(3)
    appointment = book(studio, at(day, 10))
    sign_in_via_booking(client, appointment)
    # when Pat asks for the times of the next day
    target_day = day_ahead(4)
    page = client.get(
        f"/portal/bookings/{appointment.reference}/reschedule/?day={target_day.isoformat()}"
    ).content.decode()
    starts = _slot_values(page)
    # then Ann's free times that day are offered (9:00 to 16:00 every 15 minutes)
    assert len(starts) == 29
    assert starts[0] == at(target_day, 9).astimezone(UTC).isoformat()
    # when Pat picks 11:30
    new_start = at(target_day, 11, 30)
    response = client.post(
        f"/portal/bookings/{appointment.reference}/reschedule/",
        {"start": new_start.astimezone(UTC).isoformat(), "day": target_day.isoformat()},
    )
    # then the booking moved, logged as the customer's change
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert appointment.status == AppointmentStatus.CONFIRMED
    activity = AppointmentActivity.objects.filter(appointment=appointment).last()
    assert activity is not None
    assert (activity.action, activity.actor_label) == ("rescheduled", "Pat Doe (portal)")


def test_reschedule_on_the_same_day_offers_the_times_the_booking_itself_overlaps(
    studio: Studio, client: TenantClient
) -> None:
    # given Pat's one-hour booking at 10:00
    day = day_ahead(3)
    appointment = book(studio, at(day, 10))
    sign_in_via_booking(client, appointment)
    # when Pat asks for that day's times
    page = client.get(
        f"/portal/bookings/{appointment.reference}/reschedule/?day={day.isoformat()}"
    ).content.decode()
    starts = _slot_values(page)
    # then 10:15 (which overlaps only the booking being moved) is offered, 10:00 is not
    assert at(day, 10, 15).astimezone(UTC).isoformat() in starts
    assert at(day, 9, 15).astimezone(UTC).isoformat() in starts
    assert at(day, 10).astimezone(UTC).isoformat() not in starts
    # and moving it by a quarter of an hour works
    response = client.post(
        f"/portal/bookings/{appointment.reference}/reschedule/",
        {"start": at(day, 10, 15).astimezone(UTC).isoformat(), "day": day.isoformat()},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == at(day, 10, 15)


def test_reschedule_outside_the_window_is_refused(studio: Studio, client: TenantClient) -> None:
    studio.massage.reschedule_notice_minutes = 4 * 24 * 60
    studio.massage.save(update_fields=["reschedule_notice_minutes"])
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    page = client.get(f"/portal/bookings/{appointment.reference}/reschedule/")
    assert page.status_code == 409
    assert "can be moved online up to 4 days before they start" in page.content.decode()
    new_start = at(day_ahead(4), 11)
    response = client.post(
        f"/portal/bookings/{appointment.reference}/reschedule/",
        {"start": new_start.isoformat(), "day": day_ahead(4).isoformat()},
    )
    assert response.status_code == 409
    appointment.refresh_from_db()
    assert appointment.start == at(day_ahead(3), 10)


def test_reschedule_to_a_time_taken_meanwhile(studio: Studio, client: TenantClient) -> None:
    # given Pat looking at the free times of a day
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    target_day = day_ahead(4)
    taken = at(target_day, 11)
    assert taken.astimezone(UTC).isoformat() in _slot_values(
        client.get(
            f"/portal/bookings/{appointment.reference}/reschedule/?day={target_day}"
        ).content.decode()
    )
    # when Sam books 11:00 first, and Pat then picks it
    book(studio, taken, customer=studio.sam)
    response = client.post(
        f"/portal/bookings/{appointment.reference}/reschedule/",
        {"start": taken.astimezone(UTC).isoformat(), "day": target_day.isoformat()},
    )
    # then Pat is told, shown fresh times without 11:00, and the booking did not move
    assert response.status_code == 409
    page = response.content.decode()
    assert "Another booking already holds this time." in page
    fresh = _slot_values(page)
    assert taken.astimezone(UTC).isoformat() not in fresh
    assert at(target_day, 9).astimezone(UTC).isoformat() in fresh
    appointment.refresh_from_db()
    assert appointment.start == at(day_ahead(3), 10)


def test_reschedule_off_grid_or_too_far_is_refused(studio: Studio, client: TenantClient) -> None:
    appointment = book(studio, at(day_ahead(3), 10))
    sign_in_via_booking(client, appointment)
    off_grid = client.post(
        f"/portal/bookings/{appointment.reference}/reschedule/",
        {"start": at(day_ahead(4), 11, 7).isoformat(), "day": day_ahead(4).isoformat()},
    )
    assert off_grid.status_code == 409
    too_far = client.get(f"/portal/bookings/{appointment.reference}/reschedule/?day=9999-12-31")
    assert too_far.status_code == 422
    assert "choose an earlier day" in too_far.content.decode()
    garbage = client.post(
        f"/portal/bookings/{appointment.reference}/reschedule/", {"start": "soon", "day": "x"}
    )
    assert garbage.status_code == 422
    appointment.refresh_from_db()
    assert appointment.start == at(day_ahead(3), 10)
    assert Appointment.objects.filter(start__gt=timezone.now()).count() == 1
