"""The owner app's class screens: the week, class types, scheduling, a session's roster, edits,
cancellation and the waitlist settings; who may see and do what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tenant_apps.classes.models import (
    ClassSeries,
    ClassSession,
    ClassSettings,
    ClassType,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.classes.services import enrollment_book
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import Notification, NotificationKind
from tenant_apps.scheduling.services import Actor
from tenants.models import Role
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make
from tests.tenant_apps.catalog.api_support import member
from tests.tenant_apps.catalog.views_support import LOGIN
from tests.tenant_apps.classes.pages_support import (
    LONDON,
    at,
    call,
    client_as,
    html,
    next_monday,
)

DESK = Actor(label="Desk")


@pytest.fixture
def owner(in_alpha, alpha_owner):  # type: ignore[no-untyped-def]
    return client_as(in_alpha, alpha_owner)


@pytest.fixture
def reformer(in_alpha):  # type: ignore[no-untyped-def]
    ann = StaffMemberFactory(display_name="Ann Lee")
    return class_type_make(name="Reformer Flow", capacity=3, default_instructor=ann)


def _book(session, customer, **kw):  # type: ignore[no-untyped-def]
    return enrollment_book(
        session=session,
        customer=customer,
        payment=kw.pop("payment", EnrollmentPayment.AT_STUDIO),
        source=EnrollmentSource.OWNER_APP,
        actor=DESK,
        now=timezone.now(),
        **kw,
    )


# --- the week --------------------------------------------------------------------------------


def test_week_shows_sessions_by_day_with_spots_and_waitlist(owner, reformer):
    monday = next_monday()
    session = session_make(class_type=reformer, start=at(monday, 9), capacity=1)
    _book(session, CustomerFactory())
    _book(session, CustomerFactory())  # full: waits
    cancelled = session_make(class_type=reformer, start=at(monday + timedelta(days=2), 18))
    ClassSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    session_make(class_type=reformer, start=at(monday + timedelta(days=7), 9))  # next week

    response = call(owner, "get", f"/app/classes/?week={monday.isoformat()}")

    page = html(response)
    assert response.status_code == 200
    assert page.count('class="session-card') == 2
    day = page[page.index(f'data-day="{monday.isoformat()}"') :]
    assert "09:00–10:00" in day and "Reformer Flow" in day and "Ann Lee" in day
    assert "1/1 full" in day and "1 waiting" in day
    assert "Cancelled" in page[page.index(f'data-session="{cancelled.pk}"') :]
    assert f"?week={(monday - timedelta(days=7)).isoformat()}" in page
    assert f"?week={(monday + timedelta(days=7)).isoformat()}" in page
    assert 'href="/app/classes/"' in page and 'aria-current="page"' in page


def test_week_filters_by_class_type_instructor_and_level(owner, reformer):
    monday = next_monday()
    bob = StaffMemberFactory(display_name="Bob Stone")
    yoga = class_type_make(name="Vinyasa", level="beginner", default_instructor=bob)
    session_make(class_type=reformer, start=at(monday, 9))
    session_make(class_type=yoga, start=at(monday, 11))
    week = f"week={monday.isoformat()}"

    by_type = html(call(owner, "get", f"/app/classes/?{week}&class_type={yoga.pk}"))
    by_teacher = html(call(owner, "get", f"/app/classes/?{week}&instructor={bob.pk}"))
    by_level = html(call(owner, "get", f"/app/classes/?{week}&level=beginner"))
    nonsense = call(owner, "get", "/app/classes/?week=soon&class_type=x&level=expert")

    for page in (by_type, by_level, by_teacher):
        assert page.count('class="session-card') == 1 and "Vinyasa" in page
    assert nonsense.status_code == 200  # bad filters are ignored: this week, everything


def test_staff_see_only_the_sessions_they_teach(in_alpha, reformer):
    monday = next_monday()
    user = member(in_alpha, Role.STAFF)
    mine = session_make(
        class_type=reformer,
        start=at(monday, 9),
        instructor=StaffMemberFactory(display_name="Sam Staff", user=user),
    )
    other = session_make(class_type=reformer, start=at(monday, 11))
    staff = client_as(in_alpha, user)

    week = html(call(staff, "get", f"/app/classes/?week={monday.isoformat()}"))
    own = call(staff, "get", f"/app/classes/sessions/{mine.pk}/")
    foreign = call(staff, "get", f"/app/classes/sessions/{other.pk}/")

    assert f'data-session="{mine.pk}"' in week and f'data-session="{other.pk}"' not in week
    assert "Schedule a class" not in week
    assert own.status_code == 200
    assert "Edit</a>" not in html(own)
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/app/classes/types/new/",
        "/app/classes/settings/",
        "/app/classes/sessions/new/",
        "/app/classes/sessions/{session}/edit/",
        "/app/classes/sessions/{session}/cancel/",
        "/app/classes/types/{type}/",
    ],
)
def test_management_pages_are_for_owners_and_managers(in_alpha, beta, reformer, path):
    session = session_make(class_type=reformer, start=at(next_monday(), 9))
    url = path.format(session=session.pk, type=reformer.pk)
    manager = member(in_alpha, Role.MANAGER)
    staff = member(in_alpha, Role.STAFF)
    outsider = member(beta, Role.OWNER, email="someone@beta.test")

    anonymous = call(client_as(in_alpha, None), "get", url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(LOGIN)
    assert call(client_as(in_alpha, outsider), "get", url).status_code == 404
    assert call(client_as(in_alpha, staff), "get", url).status_code == 404
    assert call(client_as(in_alpha, manager), "get", url).status_code == 200


def test_staff_may_read_the_week_and_the_class_types(in_alpha, reformer):
    staff = client_as(in_alpha, member(in_alpha, Role.STAFF))

    types = call(staff, "get", "/app/classes/types/")

    assert call(staff, "get", "/app/classes/").status_code == 200
    assert types.status_code == 200 and "Reformer Flow" in html(types)
    assert "New class type" not in html(types)


def test_another_studios_ids_are_not_found(owner, in_alpha, beta, reformer):
    connection.set_tenant(beta)
    theirs = class_type_make(name="Beta Flow", currency="USD")
    their_session = ClassSession.objects.create(
        pk=987654,
        class_type=theirs,
        instructor=theirs.default_instructor,
        start=at(next_monday(), 9),
        end=at(next_monday(), 10),
        capacity=5,
        currency="USD",
    )
    their_enrollment = Enrollment.objects.create(
        pk=987655,
        reference="BETA0001",
        session=their_session,
        customer=CustomerFactory(),
        status=EnrollmentStatus.BOOKED,
        currency="USD",
        source=EnrollmentSource.API,
    )
    connection.set_tenant(in_alpha)
    ClassType.objects.filter(pk=theirs.pk).delete()  # in case alpha has the same id

    assert call(owner, "get", f"/app/classes/sessions/{their_session.pk}/").status_code == 404
    assert call(owner, "get", f"/app/classes/types/{theirs.pk}/").status_code == 404
    assert (
        call(owner, "post", f"/app/classes/enrollments/{their_enrollment.pk}/check-in/").status_code
        == 404
    )


# --- class types -----------------------------------------------------------------------------

TYPE_FORM = {
    "name": "Reformer Flow",
    "description": "Flowing reformer work.",
    "duration_minutes": "55",
    "capacity": "12",
    "level": "intermediate",
    "default_instructor": "",
    "room": "",
    "equipment": "",
    "equipment_per_attendee": "0",
    "price": "22.00",
    "currency": "GBP",
    "credits": "1",
    "color": "#2f9e8f",
    "is_active": "on",
}


def test_class_type_is_created_and_listed(owner, in_alpha):
    ann = StaffMemberFactory(display_name="Ann Lee")

    response = call(
        owner, "post", "/app/classes/types/new/", {**TYPE_FORM, "default_instructor": ann.pk}
    )
    listing = call(owner, "get", "/app/classes/types/")

    assert response.status_code == 302 and response["Location"] == "/app/classes/types/"
    created = ClassType.objects.get()
    assert (created.name, created.duration_minutes, created.capacity, created.level) == (
        "Reformer Flow",
        55,
        12,
        "intermediate",
    )
    assert (created.price, created.credits, created.default_instructor) == (
        Decimal("22.00"),
        1,
        ann,
    )
    assert "“Reformer Flow” was added" in html(listing)
    assert "Usually Ann Lee" in html(listing)


def test_class_type_form_shows_errors_and_saves_nothing(owner, in_alpha):
    bad = {**TYPE_FORM, "name": "", "capacity": "0", "equipment_per_attendee": "2"}

    response = call(owner, "post", "/app/classes/types/new/", bad)

    page = html(response)
    assert response.status_code == 422
    assert "Nothing was saved" in page
    assert page.count('class="field-error"') == 3  # name, capacity, equipment
    assert ClassType.objects.count() == 0


def test_class_type_service_problems_show_beside_the_fields(owner, in_alpha):
    from tests.factories.resources import ResourceFactory

    reformers = ResourceFactory(name="Reformer", kind="equipment", quantity=6)
    data = {**TYPE_FORM, "equipment": reformers.pk, "equipment_per_attendee": "1"}

    response = call(owner, "post", "/app/classes/types/new/", data)

    page = html(response)
    assert response.status_code == 422
    assert "A full class needs 12 of Reformer; the studio has 6." in page
    assert ClassType.objects.count() == 0


def test_class_type_is_edited(owner, reformer):
    data = {
        **TYPE_FORM,
        "name": "Reformer Flow II",
        "default_instructor": reformer.default_instructor_id,
    }

    response = call(owner, "post", f"/app/classes/types/{reformer.pk}/", data)

    reformer.refresh_from_db()
    assert response.status_code == 302
    assert (reformer.name, reformer.capacity) == ("Reformer Flow II", 12)


# --- scheduling ------------------------------------------------------------------------------


def test_one_off_session_is_scheduled_at_the_studios_local_time(owner, reformer):
    monday = next_monday(2)

    response = call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": reformer.pk,
            "date": monday.isoformat(),
            "time": "18:30",
            "repeat": "once",
            "ends": "count",
        },
    )

    session = ClassSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/app/classes/?week={monday.isoformat()}"
    assert session.start == at(monday, 18, 30)
    assert (session.instructor, session.capacity, session.series_id) == (
        reformer.default_instructor,
        3,
        None,
    )


def test_weekly_series_by_count_appears_in_the_weeks(owner, reformer):
    monday = next_monday(1)

    response = call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": reformer.pk,
            "date": monday.isoformat(),
            "time": "07:15",
            "capacity": "2",
            "repeat": "weekly",
            "ends": "count",
            "count": "4",
        },
    )
    fourth_week = html(
        call(owner, "get", f"/app/classes/?week={(monday + timedelta(weeks=3)).isoformat()}")
    )

    sessions = list(ClassSession.objects.order_by("start"))
    assert response.status_code == 302
    assert [s.start.astimezone(LONDON).strftime("%a %H:%M") for s in sessions] == ["Mon 07:15"] * 4
    assert [s.start.astimezone(LONDON).date() for s in sessions] == [
        monday + timedelta(weeks=n) for n in range(4)
    ]
    assert {s.capacity for s in sessions} == {2}
    assert ClassSeries.objects.get().count == 4
    assert "07:15–08:15" in fourth_week


def test_weekly_series_until_a_date(owner, reformer):
    monday = next_monday(1)

    call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": reformer.pk,
            "date": monday.isoformat(),
            "time": "10:00",
            "repeat": "weekly",
            "ends": "until",
            "repeat_until": (monday + timedelta(days=15)).isoformat(),
        },
    )

    assert ClassSession.objects.count() == 3


def test_schedule_form_errors_write_nothing(owner, reformer):
    no_teacher = class_type_make(name="Orphan", default_instructor=None)
    monday = next_monday()

    missing_count = call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": reformer.pk,
            "date": monday.isoformat(),
            "time": "10:00",
            "repeat": "weekly",
            "ends": "count",
        },
    )
    no_instructor = call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": no_teacher.pk,
            "date": monday.isoformat(),
            "time": "10:00",
            "repeat": "once",
            "ends": "count",
        },
    )

    assert missing_count.status_code == 422
    assert "Say how many sessions (2 or more)." in html(missing_count)
    assert no_instructor.status_code == 422
    assert "This class has no usual instructor: choose one." in html(no_instructor)
    assert ClassSession.objects.count() == 0


def test_a_busy_instructor_is_a_form_error_not_a_500(owner, reformer):
    monday = next_monday()
    session_make(class_type=reformer, start=at(monday, 10))

    response = call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": reformer.pk,
            "date": monday.isoformat(),
            "time": "10:30",
            "repeat": "once",
            "ends": "count",
        },
    )

    assert response.status_code == 409
    assert 'class="alert alert-error"' in html(response)
    assert ClassSession.objects.count() == 1


# --- a session: roster -----------------------------------------------------------------------


def test_roster_shows_booked_offered_and_the_waitlist_in_order(owner, reformer):
    session = session_make(class_type=reformer, start=at(next_monday(), 9), capacity=1)
    _book(session, CustomerFactory(full_name="Ada Booked"))
    _book(session, CustomerFactory(full_name="Ben First"))
    _book(session, CustomerFactory(full_name="Cy Second"), spots=1)

    page = html(call(owner, "get", f"/app/classes/sessions/{session.pk}/"))

    assert "Ada Booked" in page and "1/1" in page
    waitlist = page[page.index('id="waitlist-title"') :]
    assert waitlist.index("Ben First") < waitlist.index("Cy Second")
    assert '<span class="position" title="Position">1</span> <strong>Ben First' in waitlist
    assert '<span class="position" title="Position">2</span> <strong>Cy Second' in waitlist


def test_add_a_new_customer_by_name_and_email_then_the_waitlist(owner, reformer):
    session = session_make(class_type=reformer, start=at(next_monday(), 9), capacity=1)
    path = f"/app/classes/sessions/{session.pk}/add/"
    form = {"add-spots": "1", "add-payment": "at_studio", "add-join_waitlist": "on"}

    first = call(
        owner, "post", path, {**form, "add-full_name": "Dee New", "add-email": "dee@example.test"}
    )
    second = call(
        owner, "post", path, {**form, "add-full_name": "Eve Next", "add-email": "eve@example.test"}
    )
    page = html(call(owner, "get", f"/app/classes/sessions/{session.pk}/"))

    assert first.status_code == second.status_code == 302
    dee = Customer.objects.get(email="dee@example.test")
    eve = Customer.objects.get(email="eve@example.test")
    assert Enrollment.objects.get(customer=dee).status == EnrollmentStatus.BOOKED
    assert Enrollment.objects.get(customer=eve).status == EnrollmentStatus.WAITLISTED
    assert "Eve Next is on the waitlist." in page


def test_add_an_existing_customer_found_by_search(owner, reformer):
    session = session_make(class_type=reformer, start=at(next_monday(), 9))
    fay = CustomerFactory(full_name="Fay Found", email="fay@example.test")

    found = html(call(owner, "get", f"/app/classes/sessions/{session.pk}/?q=fay"))
    added = call(
        owner,
        "post",
        f"/app/classes/sessions/{session.pk}/add/",
        {"add-customer": fay.pk, "add-spots": "2", "add-payment": "complimentary"},
    )

    assert f'name="add-customer" value="{fay.pk}"' in found
    assert added.status_code == 302
    enrollment = Enrollment.objects.get(customer=fay)
    assert (enrollment.spots, enrollment.payment, enrollment.status) == (
        2,
        EnrollmentPayment.COMPLIMENTARY,
        EnrollmentStatus.BOOKED,
    )


def test_roster_form_problems_are_shown_and_nothing_is_booked(owner, reformer):
    session = session_make(class_type=reformer, start=at(next_monday(), 9), capacity=1)
    taken = CustomerFactory(email="gus@example.test")
    _book(session, taken)
    path = f"/app/classes/sessions/{session.pk}/add/"

    empty = call(owner, "post", path, {"add-spots": "1", "add-payment": "at_studio"})
    full = call(
        owner,
        "post",
        path,
        {
            "add-full_name": "Hal",
            "add-email": "hal@example.test",
            "add-spots": "1",
            "add-payment": "at_studio",
        },
    )
    twice = call(
        owner,
        "post",
        path,
        {
            "add-customer": taken.pk,
            "add-spots": "1",
            "add-payment": "at_studio",
            "add-join_waitlist": "on",
        },
    )

    assert empty.status_code == 422
    assert "Enter a name, or choose a customer above." in html(empty)
    assert full.status_code == 409 and "This class is full." in html(full)
    assert twice.status_code == 409
    assert "already booked or on the waitlist" in html(twice)
    assert Enrollment.objects.count() == 1
    assert not Customer.objects.filter(email="hal@example.test").exists()


def test_check_in_and_no_show_from_shortly_before_the_start(owner, reformer):
    soon = session_make(class_type=reformer, start=timezone.now() + timedelta(minutes=10))
    later = session_make(class_type=reformer, start=timezone.now() + timedelta(days=3))
    here = _book(soon, CustomerFactory(full_name="Ida Here"))
    gone = _book(soon, CustomerFactory(full_name="Jo Gone"))
    early = _book(later, CustomerFactory(full_name="Kim Early"))

    call(owner, "post", f"/app/classes/enrollments/{here.pk}/check-in/")
    call(owner, "post", f"/app/classes/enrollments/{gone.pk}/no-show/")
    refused = call(owner, "post", f"/app/classes/enrollments/{early.pk}/check-in/")
    page = html(call(owner, "get", f"/app/classes/sessions/{later.pk}/"))

    for enrollment in (here, gone, early):
        enrollment.refresh_from_db()
    assert (here.status, gone.status, early.status) == (
        EnrollmentStatus.ATTENDED,
        EnrollmentStatus.NO_SHOW,
        EnrollmentStatus.BOOKED,
    )
    assert refused.status_code == 302
    assert "toast-error" in page


def test_the_instructor_runs_their_own_roster(in_alpha, reformer):
    user = member(in_alpha, Role.STAFF)
    teacher = StaffMemberFactory(display_name="Sam Staff", user=user)
    session = session_make(
        class_type=reformer, start=timezone.now() + timedelta(minutes=5), instructor=teacher
    )
    booked = _book(session, CustomerFactory())
    staff = client_as(in_alpha, user)

    checked = call(staff, "post", f"/app/classes/enrollments/{booked.pk}/check-in/")
    walk_in = call(
        staff,
        "post",
        f"/app/classes/sessions/{session.pk}/walk-in/",
        {
            "walkin-full_name": "Lou Door",
            "walkin-email": "lou@example.test",
            "walkin-payment": "at_studio",
            "walkin-spots": "1",
        },
    )
    cancel = call(staff, "post", f"/app/classes/enrollments/{booked.pk}/cancel/")

    booked.refresh_from_db()
    assert checked.status_code == walk_in.status_code == 302
    assert booked.status == EnrollmentStatus.ATTENDED
    lou = Enrollment.objects.get(customer__email="lou@example.test")
    assert (lou.status, lou.source) == (EnrollmentStatus.ATTENDED, EnrollmentSource.WALK_IN)
    assert cancel.status_code == 404  # cancelling places is for managers


def test_walk_in_into_a_full_class_is_refused_on_the_form(owner, reformer):
    session = session_make(
        class_type=reformer, start=timezone.now() + timedelta(minutes=5), capacity=1
    )
    _book(session, CustomerFactory())

    response = call(
        owner,
        "post",
        f"/app/classes/sessions/{session.pk}/walk-in/",
        {
            "walkin-full_name": "Max",
            "walkin-email": "max@example.test",
            "walkin-payment": "at_studio",
        },
    )

    assert response.status_code == 409
    assert "This class is full." in html(response)
    assert Enrollment.objects.count() == 1


# --- a session: edit and cancel --------------------------------------------------------------


def test_edit_this_session_and_refuse_capacity_below_the_seats_taken(owner, reformer):
    monday = next_monday()
    session = session_make(class_type=reformer, start=at(monday, 9))
    _book(session, CustomerFactory(), spots=2)
    bob = StaffMemberFactory(display_name="Bob Stone")
    path = f"/app/classes/sessions/{session.pk}/edit/"
    form = {
        "date": monday.isoformat(),
        "time": "09:30",
        "instructor": bob.pk,
        "capacity": "5",
        "notes": "Bring socks",
        "scope": "this",
    }

    edited = call(owner, "post", path, form)
    too_small = call(owner, "post", path, {**form, "capacity": "1"})

    session.refresh_from_db()
    assert edited.status_code == 302
    assert (session.start, session.instructor, session.capacity, session.notes) == (
        at(monday, 9, 30),
        bob,
        5,
        "Bring socks",
    )
    assert too_small.status_code == 422
    assert session.capacity == 5


def test_edit_this_and_following_moves_the_rest_of_the_series(owner, reformer):
    monday = next_monday()
    call(
        owner,
        "post",
        "/app/classes/sessions/new/",
        {
            "class_type": reformer.pk,
            "date": monday.isoformat(),
            "time": "09:00",
            "repeat": "weekly",
            "ends": "count",
            "count": "3",
        },
    )
    first, second, third = ClassSession.objects.order_by("start")
    edit = html(call(owner, "get", f"/app/classes/sessions/{second.pk}/edit/"))

    response = call(
        owner,
        "post",
        f"/app/classes/sessions/{second.pk}/edit/",
        {
            "date": (monday + timedelta(days=8)).isoformat(),
            "time": "10:00",
            "instructor": second.instructor_id,
            "capacity": "3",
            "scope": "following",
        },
    )

    for session in (first, second, third):
        session.refresh_from_db()
    assert 'value="following"' in edit
    assert response.status_code == 302
    assert first.start == at(monday, 9)
    assert second.start == at(monday + timedelta(days=8), 10)
    assert third.start == at(monday + timedelta(days=15), 10)


def test_cancel_asks_for_a_reason_then_tells_everyone(owner, reformer):
    session = session_make(class_type=reformer, start=at(next_monday(), 9), capacity=1)
    booked = _book(session, CustomerFactory(email="nat@example.test"))
    waiting = _book(session, CustomerFactory(email="oz@example.test"))
    path = f"/app/classes/sessions/{session.pk}/cancel/"
    Notification.objects.all().delete()

    confirm = call(owner, "get", path)
    no_reason = call(owner, "post", path, {"reason": ""})
    unchanged = ClassSession.objects.get(pk=session.pk).status
    done = call(owner, "post", path, {"reason": "Instructor is ill"})

    session.refresh_from_db()
    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert "2 customers (booked, offered a spot or waiting) will be emailed" in html(confirm)
    assert no_reason.status_code == 422 and unchanged == SessionStatus.SCHEDULED
    assert done.status_code == 302
    assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, "Instructor is ill")
    assert booked.status == waiting.status == EnrollmentStatus.CANCELLED
    sent = Notification.objects.filter(kind=NotificationKind.CLASS_SESSION_CANCELLED)
    assert sorted(n.recipient_email for n in sent) == ["nat@example.test", "oz@example.test"]


# --- settings --------------------------------------------------------------------------------


def test_settings_are_saved(owner, in_alpha):
    page = call(owner, "get", "/app/classes/settings/")

    response = call(
        owner,
        "post",
        "/app/classes/settings/",
        {
            "waitlist_mode": "offer",
            "claim_window_minutes": "45",
            "close_window_hours": "3",
            "late_cancel_hours": "24",
        },
    )

    saved = ClassSettings.objects.get()
    assert page.status_code == 200
    assert '<input type="radio" name="waitlist_mode" value="automatic"' in html(page)
    assert response.status_code == 302
    assert (
        saved.waitlist_mode,
        saved.claim_window_minutes,
        saved.close_window_hours,
        saved.late_cancel_hours,
        saved.late_cancel_forfeits_credit,
    ) == ("offer", 45, 3, 24, False)


def test_settings_errors_write_nothing(owner, in_alpha):
    response = call(
        owner,
        "post",
        "/app/classes/settings/",
        {
            "waitlist_mode": "lottery",
            "claim_window_minutes": "2",
            "close_window_hours": "1",
            "late_cancel_hours": "12",
        },
    )

    assert response.status_code == 422
    assert html(response).count('class="field-error"') == 2
    assert not ClassSettings.objects.exists()


def test_times_are_the_studios_local_time_in_summer(owner, reformer):
    today = timezone.now().astimezone(LONDON).date()
    summer = date(today.year + 1, 7, 6)  # a Monday in July of next year: BST, UTC+1
    summer -= timedelta(days=summer.weekday())
    session = session_make(class_type=reformer, start=at(summer, 18))

    week = html(call(owner, "get", f"/app/classes/?week={summer.isoformat()}"))
    detail = html(call(owner, "get", f"/app/classes/sessions/{session.pk}/"))

    assert "18:00–19:00" in week
    assert "18:00–19:00" in detail
