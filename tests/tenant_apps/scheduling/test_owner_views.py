"""The owner app's appointment list and approval queue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.models import Appointment, AppointmentStatus, TimeOff
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import book
from tests.tenant_apps.catalog.views_support import assert_matrix, client_as, people_create

LONDON = ZoneInfo("Europe/London")


def _at(days: int, hour: int = 10) -> datetime:
    """`hour` o'clock in London, `days` from today."""
    today = timezone.now().astimezone(LONDON).date()
    return datetime.combine(today + timedelta(days=days), time(hour), LONDON)


@pytest.fixture
def who(in_alpha, beta):  # type: ignore[no-untyped-def]
    return people_create(in_alpha, beta)


@pytest.fixture
def owner(in_alpha, who):  # type: ignore[no-untyped-def]
    return client_as(in_alpha, who.owner)


@pytest.fixture
def team(in_alpha, who):  # type: ignore[no-untyped-def]
    """Anna (linked to the staff-role member's login) and Ben, both working every day 9-17."""
    anna = StaffMemberFactory(display_name="Anna", user=who.staff)
    ben = StaffMemberFactory(display_name="Ben")
    for person in (anna, ben):
        weekly_hours_set(person)
    mat = ServiceFactory(name="Mat class", performers=[anna, ben])
    private = ServiceFactory(name="Private", requires_approval=True, performers=[anna, ben])
    return {"anna": anna, "ben": ben, "mat": mat, "private": private}


def _post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    response = client.post(path, data or {})
    connection.set_tenant(client.tenant)
    return response


def _book(service: Service, staff: StaffMember, start: datetime, **customer: Any) -> Appointment:
    return book(service, staff, CustomerFactory(**customer), start)


def _state() -> list[tuple[Any, ...]]:
    return list(Appointment.objects.order_by("pk").values_list("pk", "status", "status_reason"))


# --- the appointment list ------------------------------------------------------------------


def test_list_shows_upcoming_appointments_soonest_first(owner, team):
    later = _book(team["mat"], team["ben"], _at(3), full_name="Zoe Later")
    sooner = _book(team["mat"], team["anna"], _at(1), full_name="Amy Sooner")
    _book(team["mat"], team["anna"], _at(-2), full_name="Past Person")

    html = owner.get("/app/appointments/").content.decode()

    assert html.index("Amy Sooner") < html.index("Zoe Later")
    assert "Past Person" not in html  # the list starts today
    assert sooner.reference in html and later.reference in html
    day = _at(1).date().isoformat()
    assert f'href="/app/calendar/?date={day}"' in html


def test_list_filters(owner, team):
    a = _book(team["mat"], team["anna"], _at(1), full_name="Amy Adams", email="amy@x.test")
    b = _book(team["private"], team["ben"], _at(2), full_name="Bob Brown", phone="+44 7700 900123")
    c = _book(team["mat"], team["ben"], _at(5), full_name="Cat Cole")
    c.status = AppointmentStatus.CANCELLED
    c.save(update_fields=["status"])

    def names(**query: Any) -> set[str]:
        html = owner.get("/app/appointments/", query).content.decode()
        return {n for n in ("Amy Adams", "Bob Brown", "Cat Cole") if n in html}

    assert names() == {"Amy Adams", "Bob Brown", "Cat Cole"}
    assert names(staff=team["ben"].pk) == {"Bob Brown", "Cat Cole"}
    assert names(service=team["private"].pk) == {"Bob Brown"}
    assert names(status="pending") == {"Bob Brown"}
    assert names(status="cancelled") == {"Cat Cole"}
    assert names(q="amy@") == {"Amy Adams"}
    assert names(q="7700") == {"Bob Brown"}
    assert names(q=b.reference.lower()) == {"Bob Brown"}
    assert names(date_from=_at(2).date().isoformat(), date_to=_at(2).date().isoformat()) == {
        "Bob Brown"
    }
    assert names(date_from="", date_to=_at(1).date().isoformat()) == {"Amy Adams"}
    assert a.reference in owner.get("/app/appointments/", {"q": a.reference}).content.decode()


def test_the_date_range_is_the_studios_days(owner, team):
    # 00:30 on 2 July in London is still 1 July in UTC (summer time): it belongs to 2 July.
    night = StaffMemberFactory(display_name="Night")
    weekly_hours_set(night, start=0, end=24 * 60)
    team["mat"].staff.add(night)
    _book(
        team["mat"],
        night,
        datetime.combine(date(2031, 7, 2), time(0, 30), LONDON),
        full_name="Late One",
    )

    on_day = owner.get("/app/appointments/", {"date_from": "2031-07-02", "date_to": "2031-07-02"})
    day_before = owner.get(
        "/app/appointments/", {"date_from": "2031-07-01", "date_to": "2031-07-01"}
    )

    assert "Late One" in on_day.content.decode()
    assert "Late One" not in day_before.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "someday"}, "date_from", "Enter a valid date."),
        ({"date_from": "2031-07-02", "date_to": "2031-07-01"}, "date_to", "before the start date"),
        ({"staff": "999999"}, "staff", "Select a valid choice."),
        ({"service": "abc"}, "service", "Select a valid choice."),
        ({"status": "lost"}, "status", "Select a valid choice."),
    ],
)
def test_invalid_filters_are_shown_beside_the_field(owner, team, query, field, message):
    response = owner.get("/app/appointments/", query)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'id="id_{field}_error"' in html


def test_list_paginates(owner, team):
    for n in range(27):
        _book(team["mat"], team["anna"] if n % 2 else team["ben"], _at(1 + n // 8, 9 + n % 8))

    first = owner.get("/app/appointments/").content.decode()
    second = owner.get("/app/appointments/", {"page": 2}).content.decode()

    assert "Page 1 of 2" in first and "27 appointments." in first
    assert second.count('class="cell-title"') == 2


def test_staff_see_only_their_own(in_alpha, who, team):
    _book(team["mat"], team["anna"], _at(1), full_name="Anna's Customer")
    _book(team["mat"], team["ben"], _at(1, 11), full_name="Ben's Customer")

    html = client_as(in_alpha, who.staff).get("/app/appointments/").content.decode()
    forced = (
        client_as(in_alpha, who.staff)
        .get("/app/appointments/", {"staff": team["ben"].pk})
        .content.decode()
    )

    assert "Anna&#x27;s Customer" in html and "Ben&#x27;s Customer" not in html
    assert "Ben&#x27;s Customer" not in forced
    assert 'name="staff"' not in html


def test_staff_without_a_profile_see_nothing(in_alpha, who, team):
    team["anna"].user = None
    team["anna"].save(update_fields=["user"])
    _book(team["mat"], team["anna"], _at(1), full_name="Someone")

    html = client_as(in_alpha, who.staff).get("/app/appointments/").content.decode()

    assert "Someone" not in html
    assert "not linked to a staff profile" in html


# --- the approval queue --------------------------------------------------------------------


def test_queue_lists_pending_bookings_oldest_request_first(owner, team):
    first = _book(team["private"], team["ben"], _at(5), full_name="Asked First")
    second = _book(team["private"], team["anna"], _at(1), full_name="Asked Second")
    _book(team["mat"], team["anna"], _at(2), full_name="Not Pending")

    html = owner.get("/app/approvals/").content.decode()

    assert html.index("Asked First") < html.index("Asked Second")
    assert "Not Pending" not in html
    assert f'id="appointment-{first.pk}"' in html and f'id="appointment-{second.pk}"' in html


def test_owner_confirms_a_booking(owner, team, who):
    pending = _book(team["private"], team["ben"], _at(2), full_name="Amy")
    queued = Notification.objects.count()

    response = _post(owner, f"/app/approvals/{pending.pk}/confirm/")

    assert response.status_code == 302 and response["Location"] == "/app/approvals/"
    pending.refresh_from_db()
    assert pending.status == AppointmentStatus.CONFIRMED
    activity = pending.activity.order_by("-id").first()
    assert (activity.action, activity.actor_id) == ("status:confirmed", who.owner.pk)
    assert Notification.objects.filter(appointment=pending, kind="booking_confirmed").exists()
    assert Notification.objects.count() == queued + 1
    assert "Confirmed Amy&#x27;s Private" in owner.get("/app/approvals/").content.decode()


def test_confirming_a_time_that_is_no_longer_free_is_a_409_with_the_reason(owner, team):
    pending = _book(team["private"], team["ben"], _at(2), full_name="Amy")
    TimeOff.objects.create(staff=team["ben"], start=_at(2, 9), end=_at(2, 12))
    before, queued = _state(), Notification.objects.count()
    mail.outbox.clear()

    response = _post(owner, f"/app/approvals/{pending.pk}/confirm/")

    html = response.content.decode()
    assert response.status_code == 409
    assert "The staff member is off at this time." in html
    assert f'id="appointment-{pending.pk}"' in html  # still waiting in the queue
    assert _state() == before
    assert Notification.objects.count() == queued and mail.outbox == []


def test_confirming_a_booking_no_longer_pending_is_a_409(owner, team):
    pending = _book(team["private"], team["ben"], _at(2), full_name="Amy")
    Appointment.objects.filter(pk=pending.pk).update(
        status=AppointmentStatus.CANCELLED, status_reason="Customer cancelled"
    )
    before = _state()

    response = _post(owner, f"/app/approvals/{pending.pk}/confirm/")

    assert response.status_code == 409
    assert "A cancelled appointment can&#x27;t become confirmed." in response.content.decode()
    assert _state() == before


def test_owner_rejects_with_a_reason(owner, team):
    pending = _book(team["private"], team["ben"], _at(2), full_name="Amy")

    response = _post(owner, f"/app/approvals/{pending.pk}/reject/", {"reason": " Fully booked "})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason) == ("rejected", "Fully booked")
    assert Notification.objects.filter(appointment=pending, kind="booking_rejected").exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give a reason: the customer is told why."),
        ("   ", "Give a reason"),
        ("x" * 501, "at most 500"),
    ],
)
def test_rejecting_needs_a_reason(owner, team, reason, message):
    pending = _book(team["private"], team["ben"], _at(2), full_name="Amy")
    before, queued = _state(), Notification.objects.count()

    response = _post(owner, f"/app/approvals/{pending.pk}/reject/", {"reason": reason})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'id="id_reason_{pending.pk}_error"' in html
    assert '<details class="action" open>' in html
    assert _state() == before and Notification.objects.count() == queued


def test_staff_decide_on_their_own_bookings_only(in_alpha, who, team):
    own = _book(team["private"], team["anna"], _at(2), full_name="Anna's")
    other = _book(team["private"], team["ben"], _at(2), full_name="Ben's")
    staff = client_as(in_alpha, who.staff)

    html = staff.get("/app/approvals/").content.decode()
    assert f'id="appointment-{own.pk}"' in html and f'id="appointment-{other.pk}"' not in html

    assert _post(staff, f"/app/approvals/{other.pk}/confirm/").status_code == 404
    assert _post(staff, f"/app/approvals/{other.pk}/reject/", {"reason": "No"}).status_code == 404
    assert _post(staff, f"/app/approvals/{own.pk}/confirm/").status_code == 302
    other.refresh_from_db()
    own.refresh_from_db()
    assert (own.status, other.status) == ("confirmed", "pending")


def test_permissions(in_alpha, who, team):
    pending = _book(team["private"], team["ben"], _at(2))
    assert_matrix(in_alpha, who, "get", "/app/appointments/", managers=200, staff=200)
    assert_matrix(in_alpha, who, "get", "/app/approvals/", managers=200, staff=200)
    before = _state()
    for path, data in (
        (f"/app/approvals/{pending.pk}/confirm/", {}),
        (f"/app/approvals/{pending.pk}/reject/", {"reason": "No"}),
    ):
        anonymous = client_as(in_alpha, None).post(path, data)
        assert anonymous.status_code == 302
        assert client_as(in_alpha, who.outsider).post(path, data).status_code == 404
        connection.set_tenant(in_alpha)
    assert _state() == before
    assert (
        client_as(in_alpha, who.manager).post(f"/app/approvals/{pending.pk}/confirm/").status_code
        == 302
    )


def test_another_studios_booking_is_not_found(owner, in_alpha, beta):
    connection.set_tenant(beta)
    staff = StaffMemberFactory()
    weekly_hours_set(staff)
    service = ServiceFactory(requires_approval=True, currency="USD", performers=[staff])
    theirs = _book(service, staff, _at(2))
    connection.set_tenant(in_alpha)
    Appointment.objects.filter(pk=theirs.pk).delete()

    assert _post(owner, f"/app/approvals/{theirs.pk}/confirm/").status_code == 404
    assert _post(owner, f"/app/approvals/{theirs.pk}/reject/", {"reason": "x"}).status_code == 404
    connection.set_tenant(beta)
    assert Appointment.objects.get(pk=theirs.pk).status == AppointmentStatus.PENDING
