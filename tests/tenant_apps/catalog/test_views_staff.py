"""The owner app's staff screens: list, profile (with photo), weekly hours, date overrides and
time off."""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from tenant_apps.catalog.models import StaffMember
from tenant_apps.catalog.services import PHOTO_MAX_BYTES
from tenant_apps.scheduling.models import DateOverride, TimeOff, WeeklyHours
from tenants.models import Role
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.catalog.api_support import MONDAY_10, book, member, studio_rows
from tests.tenant_apps.catalog.views_support import (
    assert_matrix,
    client_as,
    errors_of,
    people_create,
)
from tests.tenant_apps.studio.conftest import image_bytes

PROFILE: dict[str, Any] = {
    "display_name": "Anna Berg",
    "email": "anna@alpha.test",
    "bio": "Ten years of Pilates.",
    "color": "#aa3366",
    "is_bookable": "on",
    "timezone": "",
    "user": "",
}


@pytest.fixture
def who(in_alpha, beta):  # type: ignore[no-untyped-def]
    return people_create(in_alpha, beta)


@pytest.fixture
def owner(in_alpha, who):  # type: ignore[no-untyped-def]
    return client_as(in_alpha, who.owner)


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _post(client: Any, path: str, data: dict[str, Any]) -> Any:
    response = client.post(path, data)
    connection.set_tenant(client.tenant)
    return response


def _png(name: str = "anna.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")


# --- list and profile ----------------------------------------------------------------------


def test_list_shows_the_team(owner, in_alpha):
    anna = StaffMemberFactory(display_name="Anna", email="anna@x.test")
    weekly_hours_set(anna, days=range(5))
    StaffMemberFactory(display_name="Ben", is_bookable=False)

    html = owner.get("/app/staff/").content.decode()

    assert "Anna" in html and "5 intervals a week" in html
    assert "Ben" in html and "Not bookable" in html and "No hours yet" in html


def test_list_search(owner, in_alpha):
    StaffMemberFactory(display_name="Anna", email="anna@x.test")
    StaffMemberFactory(display_name="Ben", email="ben@x.test")

    html = owner.get("/app/staff/", {"q": "ben@"}).content.decode()

    assert "Ben" in html and "Anna" not in html


def test_owner_adds_a_staff_member_with_a_photo(owner, in_alpha, media):
    service = ServiceFactory(name="Mat")
    colleague = member(in_alpha, Role.STAFF, email="anna.login@alpha.test")

    response = _post(
        owner,
        "/app/staff/new/",
        {
            **PROFILE,
            "timezone": "Europe/Paris",
            "user": str(colleague.pk),
            "services": [service.pk],
            "photo": _png(),
        },
    )

    assert response.status_code == 302, errors_of(response)
    staff = StaffMember.objects.get()
    assert response["Location"] == f"/app/staff/{staff.pk}/hours/"
    assert (staff.display_name, staff.email, staff.bio, staff.color) == (
        "Anna Berg",
        "anna@alpha.test",
        "Ten years of Pilates.",
        "#aa3366",
    )
    assert staff.is_bookable is True
    assert staff.timezone == "Europe/Paris"
    assert staff.user_id == colleague.pk
    assert list(staff.services.all()) == [service]
    assert staff.photo.name.startswith("staff/alpha-") and staff.photo.name.endswith(".png")
    assert (Path(media) / staff.photo.name).read_bytes() == image_bytes()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
            "this file is not a readable image",
        ),
        (
            SimpleUploadedFile("x.gif", image_bytes("GIF"), content_type="image/gif"),
            "Upload a PNG, JPEG or WebP image.",
        ),
    ],
)
def test_bad_photo_is_refused_and_nothing_is_written(owner, in_alpha, media, upload, message):
    before = studio_rows()

    response = _post(owner, "/app/staff/new/", {**PROFILE, "photo": upload})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="id_photo_error"' in response.content.decode()
    assert studio_rows() == before
    assert list(Path(media).rglob("*.*")) == []


def test_too_large_photo_is_refused(owner, in_alpha, media):
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > PHOTO_MAX_BYTES
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    before = studio_rows()

    response = _post(owner, "/app/staff/new/", {**PROFILE, "photo": big})

    assert "The photo must be 2 MB or smaller." in response.content.decode()
    assert studio_rows() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "This field is required."),
        ({"email": "nope"}, "email", "Enter a valid email address."),
        ({"color": "blue"}, "color", "Use a colour like #4f6ef7."),
        ({"timezone": "Mars/Base"}, "timezone", "Select a valid choice."),
        ({"user": "999999"}, "user", "Select a valid choice."),
        ({"services": ["424242"]}, "services", "Select a valid choice."),
    ],
)
def test_invalid_profile_shows_the_error_and_writes_nothing(
    owner, in_alpha, change, field, message
):
    before = studio_rows()

    response = _post(owner, "/app/staff/new/", {**PROFILE, **change})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'id="id_{field}_error"' in html
    assert studio_rows() == before


def test_a_login_already_linked_elsewhere_is_refused(owner, in_alpha, who):
    StaffMemberFactory(display_name="Other", user=who.staff)
    before = studio_rows()

    response = _post(owner, "/app/staff/new/", {**PROFILE, "user": str(who.staff.pk)})

    assert "Already linked to another staff profile in this studio." in (response.content.decode())
    assert studio_rows() == before


def test_owner_edits_a_profile_and_replaces_then_removes_the_photo(owner, in_alpha, media):
    staff = StaffMemberFactory(display_name="Anna")
    _post(owner, f"/app/staff/{staff.pk}/", {**PROFILE, "photo": _png()})
    staff.refresh_from_db()
    first = staff.photo.name

    _post(owner, f"/app/staff/{staff.pk}/", {**PROFILE, "photo": _png("new.png")})
    staff.refresh_from_db()
    assert staff.photo.name != first
    assert staff.display_name == "Anna Berg"

    response = _post(owner, f"/app/staff/{staff.pk}/", {**PROFILE, "remove_photo": "on"})
    staff.refresh_from_db()
    assert response.status_code == 302
    assert staff.photo.name == ""
    assert (
        "Anna Berg&#x27;s profile was saved."
        in owner.get(f"/app/staff/{staff.pk}/").content.decode()
    )


def test_staff_without_appointments_is_deleted(owner, in_alpha):
    staff = StaffMemberFactory(display_name="Anna")
    weekly_hours_set(staff)

    response = _post(owner, f"/app/staff/{staff.pk}/delete/", {})

    assert response.status_code == 302 and response["Location"] == "/app/staff/"
    assert not StaffMember.objects.exists() and not WeeklyHours.objects.exists()


def test_deleting_a_staff_member_deletes_their_photo_file_and_keeping_one_keeps_it(
    owner, in_alpha, media, django_capture_on_commit_callbacks
):
    gone, kept = StaffMemberFactory(display_name="Anna"), StaffMemberFactory(display_name="Bo")
    with django_capture_on_commit_callbacks(execute=True):
        for staff in (gone, kept):
            _post(owner, f"/app/staff/{staff.pk}/", {**PROFILE, "photo": _png()})
            staff.refresh_from_db()
            assert default_storage.exists(staff.photo.name)
        weekly_hours_set(kept)
        book(ServiceFactory(performers=[kept]), kept, CustomerFactory(), MONDAY_10)

        _post(owner, f"/app/staff/{gone.pk}/delete/", {})
        _post(owner, f"/app/staff/{kept.pk}/delete/", {})

    assert not StaffMember.objects.filter(pk=gone.pk).exists()
    assert not default_storage.exists(gone.photo.name)
    kept.refresh_from_db()
    assert kept.photo.name and default_storage.exists(kept.photo.name)


def test_staff_with_appointments_is_kept(owner, in_alpha):
    staff = StaffMemberFactory(display_name="Anna")
    weekly_hours_set(staff)
    book(ServiceFactory(performers=[staff]), staff, CustomerFactory(), MONDAY_10)
    before = studio_rows()

    response = _post(owner, f"/app/staff/{staff.pk}/delete/", {})

    assert response["Location"] == f"/app/staff/{staff.pk}/"
    assert studio_rows() == before
    page = owner.get(f"/app/staff/{staff.pk}/").content.decode()
    assert "has appointments, so they can&#x27;t be deleted" in page


# --- weekly hours --------------------------------------------------------------------------


def _hours(*rows: tuple[int, str, str]) -> dict[str, list[str]]:
    return {
        "weekday": [str(r[0]) for r in rows],
        "start": [r[1] for r in rows],
        "end": [r[2] for r in rows],
    }


def _week(staff: StaffMember) -> list[tuple[int, int, int]]:
    return list(
        WeeklyHours.objects.filter(staff=staff)
        .order_by("weekday", "start_minute")
        .values_list("weekday", "start_minute", "end_minute")
    )


def test_hours_editor_shows_the_week(owner, in_alpha):
    staff = StaffMemberFactory()
    weekly_hours_set(staff, days=range(1), start=9 * 60, end=17 * 60)

    html = owner.get(f"/app/staff/{staff.pk}/hours/").content.decode()

    assert 'value="09:00"' in html and 'value="17:00"' in html
    assert html.count("Day off") == 6


def test_owner_saves_several_intervals_a_day(owner, in_alpha):
    staff = StaffMemberFactory()
    weekly_hours_set(staff, days=range(7))

    response = _post(
        owner,
        f"/app/staff/{staff.pk}/hours/",
        _hours((0, "09:00", "12:00"), (0, "13:00", "17:30"), (5, "10:00", "00:00"), (2, "", "")),
    )

    assert response.status_code == 302, errors_of(response)
    assert _week(staff) == [(0, 540, 720), (0, 780, 1050), (5, 600, 1440)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (((0, "09:00", "12:00"), (0, "11:00", "14:00")), "Overlaps 09:00–12:00 on Monday."),
        (((1, "17:00", "09:00"),), "The end must be after the start."),
        (((1, "9am", "17:00"),), "Enter both times as HH:MM"),
        (((1, "09:00", ""),), "Enter both times as HH:MM"),
        (((9, "09:00", "10:00"),), "Choose a weekday for every row."),
    ],
)
def test_invalid_hours_are_shown_and_nothing_changes(owner, in_alpha, rows, message):
    staff = StaffMemberFactory()
    weekly_hours_set(staff, days=range(2))
    before = _week(staff)

    response = _post(owner, f"/app/staff/{staff.pk}/hours/", _hours(*rows))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "Nothing was saved." in html
    assert _week(staff) == before


def test_hours_rows_are_added_and_removed_without_javascript(owner, in_alpha):
    staff = StaffMemberFactory()
    weekly_hours_set(staff, days=range(1))
    data = _hours((0, "09:00", "12:00"), (0, "13:00", "17:00"))

    added = _post(owner, f"/app/staff/{staff.pk}/hours/", {**data, "add_row": "3"})
    removed = _post(owner, f"/app/staff/{staff.pk}/hours/", {**data, "remove_row": "0"})

    added_html = added.content.decode()
    assert added.status_code == 200
    assert added_html.count('name="weekday" value="3"') == 2  # the new row and its template
    removed_html = removed.content.decode()
    assert 'value="09:00"' not in removed_html and 'value="13:00"' in removed_html
    assert _week(staff) == [(0, 540, 1020)]  # nothing saved


# --- date overrides ------------------------------------------------------------------------


def _overrides(staff: StaffMember) -> list[tuple[date, int | None, int | None]]:
    return list(
        DateOverride.objects.filter(staff=staff)
        .order_by("date", "start_minute")
        .values_list("date", "start_minute", "end_minute")
    )


FUTURE = "2031-12-24"


def test_owner_closes_a_date_then_gives_it_other_hours(owner, in_alpha):
    staff = StaffMemberFactory()

    closed = _post(owner, f"/app/staff/{staff.pk}/overrides/", {"date": FUTURE, "kind": "closed"})
    assert closed.status_code == 302, errors_of(closed)
    assert _overrides(staff) == [(date(2031, 12, 24), None, None)]

    _post(
        owner,
        f"/app/staff/{staff.pk}/overrides/",
        {"date": FUTURE, "kind": "hours", "start": ["14:00", "09:00"], "end": ["16:00", "12:00"]},
    )
    assert _overrides(staff) == [
        (date(2031, 12, 24), 540, 720),
        (date(2031, 12, 24), 840, 960),
    ]
    html = owner.get(f"/app/staff/{staff.pk}/overrides/").content.decode()
    assert "09:00–12:00" in html and "14:00–16:00" in html
    edit = owner.get(f"/app/staff/{staff.pk}/overrides/", {"date": FUTURE}).content.decode()
    assert 'value="2031-12-24"' in edit and 'value="14:00"' in edit


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "", "kind": "closed"}, "This field is required."),
        ({"date": "2031-02-30", "kind": "closed"}, "Enter a valid date."),
        ({"date": FUTURE, "kind": "hours", "start": [""], "end": [""]}, "Give the hours"),
        (
            {
                "date": FUTURE,
                "kind": "hours",
                "start": ["09:00", "10:00"],
                "end": ["12:00", "11:00"],
            },
            "Overlaps 09:00–12:00 on 2031-12-24.",
        ),
        (
            {"date": FUTURE, "kind": "hours", "start": ["12:00"], "end": ["10:00"]},
            "The end must be after the start.",
        ),
        ({"date": FUTURE, "kind": "sometimes"}, "Select a valid choice."),
    ],
)
def test_invalid_override_is_shown_and_nothing_changes(owner, in_alpha, data, message):
    staff = StaffMemberFactory()
    before = studio_rows()

    response = _post(owner, f"/app/staff/{staff.pk}/overrides/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert studio_rows() == before


def test_override_is_removed(owner, in_alpha):
    staff = StaffMemberFactory()
    DateOverride.objects.create(staff=staff, date=date(2031, 12, 24))

    response = _post(owner, f"/app/staff/{staff.pk}/overrides/2031-12-24/delete/", {})

    assert response.status_code == 302
    assert _overrides(staff) == []
    assert (
        _post(owner, f"/app/staff/{staff.pk}/overrides/2031-12-24/delete/", {}).status_code == 404
    )
    assert (
        _post(owner, f"/app/staff/{staff.pk}/overrides/not-a-date/delete/", {}).status_code == 404
    )


# --- time off ------------------------------------------------------------------------------


def test_owner_adds_time_off_in_the_staff_members_zone(owner, in_alpha):
    staff = StaffMemberFactory(timezone="America/New_York")

    response = _post(
        owner,
        f"/app/staff/{staff.pk}/time-off/",
        {"start": "2031-07-01T09:00", "end": "2031-07-03T17:30", "reason": " Holiday "},
    )

    assert response.status_code == 302, errors_of(response)
    off = TimeOff.objects.get()
    assert (off.staff_id, off.start, off.end, off.reason) == (
        staff.pk,
        datetime(2031, 7, 1, 13, 0, tzinfo=UTC),  # 09:00 EDT
        datetime(2031, 7, 3, 21, 30, tzinfo=UTC),
        "Holiday",
    )
    html = owner.get(f"/app/staff/{staff.pk}/time-off/").content.decode()
    assert "Tue 1 Jul 2031, 09:00" in html and "Holiday" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start": "2031-07-02T09:00", "end": "2031-07-01T09:00"},
            "end",
            "The end must be after the start.",
        ),
        (
            {"start": "2031-07-02T09:00", "end": "2031-07-02T09:00"},
            "end",
            "The end must be after the start.",
        ),
        ({"start": "", "end": "2031-07-01T09:00"}, "start", "This field is required."),
        ({"start": "tomorrow", "end": "2031-07-01T09:00"}, "start", "Enter a valid date/time."),
        (
            {"start": "2031-07-01T09:00", "end": "2031-07-01T10:00", "reason": "x" * 201},
            "reason",
            "at most 200 characters",
        ),
    ],
)
def test_invalid_time_off_is_shown_and_nothing_is_written(owner, in_alpha, data, field, message):
    staff = StaffMemberFactory()
    before = studio_rows()

    response = _post(owner, f"/app/staff/{staff.pk}/time-off/", {"reason": "", **data})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'id="id_{field}_error"' in html
    assert studio_rows() == before


def test_time_off_is_edited_and_removed(owner, in_alpha):
    staff = StaffMemberFactory()
    off = TimeOff.objects.create(
        staff=staff,
        start=datetime(2031, 1, 5, 9, tzinfo=UTC),
        end=datetime(2031, 1, 5, 12, tzinfo=UTC),
    )

    page = owner.get(f"/app/staff/{staff.pk}/time-off/{off.pk}/").content.decode()
    assert 'value="2031-01-05T09:00"' in page  # London is on GMT in January

    _post(
        owner,
        f"/app/staff/{staff.pk}/time-off/{off.pk}/",
        {"start": "2031-01-05T10:00", "end": "2031-01-06T10:00", "reason": "Course"},
    )
    off.refresh_from_db()
    assert (off.start, off.end, off.reason) == (
        datetime(2031, 1, 5, 10, tzinfo=UTC),
        datetime(2031, 1, 6, 10, tzinfo=UTC),
        "Course",
    )

    _post(owner, f"/app/staff/{staff.pk}/time-off/{off.pk}/delete/", {})
    assert not TimeOff.objects.exists()


def test_time_off_of_another_staff_member_is_not_found(owner, in_alpha):
    anna, ben = StaffMemberFactory(), StaffMemberFactory()
    off = TimeOff.objects.create(
        staff=ben,
        start=datetime(2031, 1, 5, 9, tzinfo=UTC),
        end=datetime(2031, 1, 5, 12, tzinfo=UTC),
    )

    assert owner.get(f"/app/staff/{anna.pk}/time-off/{off.pk}/").status_code == 404
    assert _post(owner, f"/app/staff/{anna.pk}/time-off/{off.pk}/delete/", {}).status_code == 404
    assert TimeOff.objects.filter(pk=off.pk).exists()


def test_past_time_off_is_listed_separately(owner, in_alpha):
    staff = StaffMemberFactory()
    TimeOff.objects.create(
        staff=staff,
        start=datetime(2020, 1, 5, 9, tzinfo=UTC),
        end=datetime(2020, 1, 5, 12, tzinfo=UTC),
        reason="Long ago",
    )

    upcoming = owner.get(f"/app/staff/{staff.pk}/time-off/").content.decode()
    past = owner.get(f"/app/staff/{staff.pk}/time-off/", {"past": "1"}).content.decode()

    assert "Long ago" not in upcoming and "No time off planned." in upcoming
    assert "Long ago" in past


# --- who may, and isolation ----------------------------------------------------------------


def test_permissions(in_alpha, who):
    staff = StaffMemberFactory()
    off = TimeOff.objects.create(
        staff=staff,
        start=datetime(2031, 1, 5, 9, tzinfo=UTC),
        end=datetime(2031, 1, 5, 12, tzinfo=UTC),
    )
    assert_matrix(in_alpha, who, "get", "/app/staff/", managers=200, staff=200)
    for path in (
        "/app/staff/new/",
        f"/app/staff/{staff.pk}/",
        f"/app/staff/{staff.pk}/hours/",
        f"/app/staff/{staff.pk}/overrides/",
        f"/app/staff/{staff.pk}/time-off/",
        f"/app/staff/{staff.pk}/time-off/{off.pk}/",
    ):
        assert_matrix(in_alpha, who, "get", path, managers=200, staff=404)


def test_refused_writes_change_nothing(in_alpha, who):
    staff = StaffMemberFactory()
    weekly_hours_set(staff, days=range(1))
    DateOverride.objects.create(staff=staff, date=date(2031, 12, 24))
    off = TimeOff.objects.create(
        staff=staff,
        start=datetime(2031, 1, 5, 9, tzinfo=UTC),
        end=datetime(2031, 1, 5, 12, tzinfo=UTC),
    )
    before = studio_rows()

    for path, data in (
        ("/app/staff/new/", PROFILE),
        (f"/app/staff/{staff.pk}/", PROFILE),
        (f"/app/staff/{staff.pk}/delete/", {}),
        (f"/app/staff/{staff.pk}/hours/", _hours((3, "08:00", "09:00"))),
        (f"/app/staff/{staff.pk}/overrides/", {"date": FUTURE, "kind": "closed"}),
        (f"/app/staff/{staff.pk}/overrides/2031-12-24/delete/", {}),
        (
            f"/app/staff/{staff.pk}/time-off/",
            {"start": "2031-07-01T09:00", "end": "2031-07-01T10:00"},
        ),
        (
            f"/app/staff/{staff.pk}/time-off/{off.pk}/",
            {"start": "2031-07-01T09:00", "end": "2031-07-01T10:00"},
        ),
        (f"/app/staff/{staff.pk}/time-off/{off.pk}/delete/", {}),
    ):
        assert_matrix(in_alpha, who, "post", path, managers=None, staff=404, data=data)

    assert studio_rows() == before


def test_another_studios_staff_member_is_not_found(owner, in_alpha, beta):
    connection.set_tenant(beta)
    theirs = StaffMemberFactory(display_name="Beta person")
    their_off = TimeOff.objects.create(
        staff=theirs,
        start=datetime(2031, 1, 5, 9, tzinfo=UTC),
        end=datetime(2031, 1, 5, 12, tzinfo=UTC),
    )
    connection.set_tenant(in_alpha)
    StaffMember.objects.filter(pk=theirs.pk).delete()

    for path in (
        f"/app/staff/{theirs.pk}/",
        f"/app/staff/{theirs.pk}/hours/",
        f"/app/staff/{theirs.pk}/overrides/",
        f"/app/staff/{theirs.pk}/time-off/",
        f"/app/staff/{theirs.pk}/time-off/{their_off.pk}/",
    ):
        assert owner.get(path).status_code == 404, path
    assert _post(owner, f"/app/staff/{theirs.pk}/delete/", {}).status_code == 404
    assert (
        _post(owner, f"/app/staff/{theirs.pk}/hours/", _hours((0, "09:00", "10:00"))).status_code
        == 404
    )
    connection.set_tenant(beta)
    assert StaffMember.objects.filter(pk=theirs.pk).exists()
    assert TimeOff.objects.filter(pk=their_off.pk).exists()
