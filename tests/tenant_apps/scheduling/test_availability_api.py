from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tenant_apps.scheduling.models import DateOverride, TimeOff, WeeklyHours
from tests.factories.catalog import StaffMemberFactory, weekly_hours_set
from tests.tenant_apps.catalog.api_support import problem, send, studio_rows


@pytest.fixture
def owner_client(in_alpha, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    return alpha_client


@pytest.fixture
def anna(in_alpha):
    return StaffMemberFactory(display_name="Anna")


def _week(staff):
    return list(
        WeeklyHours.objects.filter(staff=staff)
        .order_by("weekday", "start_minute")
        .values_list("weekday", "start_minute", "end_minute")
    )


# --- weekly hours --------------------------------------------------------------------------


def test_replace_the_whole_week_and_read_it_back(owner_client, anna):
    weekly_hours_set(anna, days=range(7))
    url = f"/api/v1/staff/{anna.pk}/weekly-hours/"

    put = send(
        owner_client,
        "put",
        url,
        [
            {"weekday": 0, "start": "13:00", "end": "17:30"},
            {"weekday": 0, "start": "09:00", "end": "13:00"},  # touching is fine
            {"weekday": 4, "start": "18:00", "end": "24:00"},
        ],
    )
    got = owner_client.get(url)

    assert put.status_code == 200, put.content
    assert [(i["weekday"], i["start"], i["end"]) for i in put.json()] == [
        (0, "09:00", "13:00"),
        (0, "13:00", "17:30"),
        (4, "18:00", "24:00"),
    ]
    assert got.status_code == 200
    assert got.json() == put.json()
    assert set(got.json()[0]) == {"id", "weekday", "start", "end"}
    assert _week(anna) == [(0, 540, 780), (0, 780, 1050), (4, 1080, 1440)]


def test_an_empty_week_clears_the_hours(owner_client, anna):
    weekly_hours_set(anna)

    response = send(owner_client, "put", f"/api/v1/staff/{anna.pk}/weekly-hours/", [])

    assert response.status_code == 200
    assert response.json() == []
    assert _week(anna) == []


@pytest.mark.parametrize(
    ("week", "errors"),
    [
        (
            [
                {"weekday": 2, "start": "09:00", "end": "12:00"},
                {"weekday": 2, "start": "11:30", "end": "14:00"},
            ],
            {"1.start": ["Overlaps 09:00–12:00 on Wednesday."]},
        ),
        (
            [{"weekday": 1, "start": "12:00", "end": "12:00"}],
            {"0.end": ["The end must be after the start."]},
        ),
        (
            [{"weekday": 1, "start": "17:00", "end": "09:00"}],
            {"0.end": ["The end must be after the start."]},
        ),
        (
            [{"weekday": 1, "start": "24:00", "end": "24:00"}],
            {"0.start": ['Use a time as "HH:MM", e.g. "09:30".']},
        ),
        (
            [{"weekday": 1, "start": "9:00", "end": "25:00"}],
            {
                "0.start": ['Use a time as "HH:MM", e.g. "09:30".'],
                "0.end": ['Use a time as "HH:MM", e.g. "17:30" ("24:00" for midnight).'],
            },
        ),
        (
            [{"weekday": 7, "start": "09:00", "end": "10:00"}],
            {"0.weekday": ["Ensure this value is less than or equal to 6."]},
        ),
        (
            [{"start": "09:00"}],
            {"0.weekday": ["This field is required."], "0.end": ["This field is required."]},
        ),
        ({"weekday": 1}, {"non_field_errors": ['Expected a list of items but got type "dict".']}),
    ],
)
def test_an_invalid_week_is_refused_and_the_old_one_kept(owner_client, anna, week, errors):
    weekly_hours_set(anna, days=range(5))
    before = studio_rows()

    response = send(owner_client, "put", f"/api/v1/staff/{anna.pk}/weekly-hours/", week)

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_add_and_remove_single_intervals(owner_client, anna):
    weekly_hours_set(anna, days=range(1), start=9 * 60, end=12 * 60)
    url = f"/api/v1/staff/{anna.pk}/weekly-hours/"

    added = send(owner_client, "post", url, {"weekday": 0, "start": "13:00", "end": "17:00"})
    clash = send(owner_client, "post", url, {"weekday": 0, "start": "11:00", "end": "13:30"})
    removed = owner_client.delete(f"{url}{added.json()['id']}/")
    removed_again = owner_client.delete(f"{url}{added.json()['id']}/")

    assert added.status_code == 201
    assert added.json()["start"] == "13:00"
    assert problem(clash, 422, "validation_error")["errors"] == {
        "start": ["Overlaps 09:00–12:00 on Monday."]
    }
    assert removed.status_code == 204
    problem(removed_again, 404, "not_found")
    assert _week(anna) == [(0, 540, 720)]


def test_an_interval_is_removed_only_through_its_own_staff_member(owner_client, anna):
    ben = StaffMemberFactory()
    weekly_hours_set(ben, days=range(1))
    row = WeeklyHours.objects.get(staff=ben)

    response = owner_client.delete(f"/api/v1/staff/{anna.pk}/weekly-hours/{row.pk}/")

    problem(response, 404, "not_found")
    assert WeeklyHours.objects.filter(pk=row.pk).exists()


def test_hours_of_an_unknown_staff_member(owner_client):
    problem(owner_client.get("/api/v1/staff/424242/weekly-hours/"), 404, "not_found")
    problem(send(owner_client, "put", "/api/v1/staff/424242/weekly-hours/", []), 404, "not_found")


# --- date overrides ------------------------------------------------------------------------


def test_close_a_date_then_give_it_other_hours_then_remove_the_override(owner_client, anna):
    url = f"/api/v1/staff/{anna.pk}/date-overrides/"

    closed = send(owner_client, "post", url, {"date": "2026-12-25", "closed": True})
    replaced = send(
        owner_client,
        "post",
        url,
        {
            "date": "2026-12-25",
            "intervals": [{"start": "14:00", "end": "16:00"}, {"start": "10:00", "end": "12:00"}],
        },
    )
    day = owner_client.get(f"{url}2026-12-25/")
    removed = owner_client.delete(f"{url}2026-12-25/")

    assert closed.status_code == 201
    assert closed.json() == {"date": "2026-12-25", "closed": True, "intervals": []}
    assert replaced.status_code == 200
    assert replaced.json() == {
        "date": "2026-12-25",
        "closed": False,
        "intervals": [{"start": "10:00", "end": "12:00"}, {"start": "14:00", "end": "16:00"}],
    }
    assert day.json() == replaced.json()
    assert removed.status_code == 204
    assert not DateOverride.objects.exists()
    problem(owner_client.get(f"{url}2026-12-25/"), 404, "not_found")
    problem(owner_client.delete(f"{url}2026-12-25/"), 404, "not_found")


def test_list_overrides_by_date_range_paginated(owner_client, anna):
    DateOverride.objects.create(
        staff=anna, date=date(2026, 12, 24), start_minute=540, end_minute=720
    )
    DateOverride.objects.create(
        staff=anna, date=date(2026, 12, 24), start_minute=780, end_minute=900
    )
    DateOverride.objects.create(staff=anna, date=date(2026, 12, 25))
    DateOverride.objects.create(staff=anna, date=date(2027, 1, 1))
    DateOverride.objects.create(staff=StaffMemberFactory(), date=date(2026, 12, 25))
    url = f"/api/v1/staff/{anna.pk}/date-overrides/"

    everything = owner_client.get(url)
    december = owner_client.get(url, {"start": "2026-12-01", "end": "2026-12-31"})
    page = owner_client.get(url, {"limit": 1, "offset": 1})

    assert everything.status_code == 200
    assert [d["date"] for d in everything.json()["results"]] == [
        "2026-12-24",
        "2026-12-25",
        "2027-01-01",
    ]
    assert december.json()["count"] == 2
    assert december.json()["results"][0] == {
        "date": "2026-12-24",
        "closed": False,
        "intervals": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "15:00"}],
    }
    assert december.json()["results"][1]["closed"] is True
    assert page.json()["count"] == 3
    assert [d["date"] for d in page.json()["results"]] == ["2026-12-25"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {
                "date": "2026-12-25",
                "closed": True,
                "intervals": [{"start": "09:00", "end": "10:00"}],
            },
            {"intervals": ["A closed day has no hours: leave intervals out, or closed false."]},
        ),
        (
            {"date": "2026-12-25"},
            {"intervals": ["Give the hours for this date, or set closed to true."]},
        ),
        (
            {
                "date": "2026-12-25",
                "intervals": [
                    {"start": "09:00", "end": "12:00"},
                    {"start": "10:00", "end": "11:00"},
                ],
            },
            {"intervals.1.start": ["Overlaps 09:00–12:00 on 2026-12-25."]},
        ),
        (
            {"date": "2026-12-25", "intervals": [{"start": "12:00", "end": "09:00"}]},
            {"intervals.0.end": ["The end must be after the start."]},
        ),
        (
            {"date": "2026-02-30", "closed": True},
            {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"closed": True}, {"date": ["This field is required."]}),
    ],
)
def test_invalid_overrides_are_refused(owner_client, anna, body, errors):
    DateOverride.objects.create(staff=anna, date=date(2026, 12, 25))
    before = studio_rows()

    response = send(owner_client, "post", f"/api/v1/staff/{anna.pk}/date-overrides/", body)

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_bad_dates_in_the_query_or_path_are_field_errors(owner_client, anna):
    url = f"/api/v1/staff/{anna.pk}/date-overrides/"

    backwards = owner_client.get(url, {"start": "2026-12-31", "end": "2026-12-01"})
    malformed = owner_client.get(url, {"start": "31/12/2026"})
    bad_path = owner_client.delete(f"{url}2026-13-01/")

    assert problem(backwards, 422, "validation_error")["errors"] == {
        "end": ["The end can't be before the start."]
    }
    assert list(problem(malformed, 422, "validation_error")["errors"]) == ["start"]
    assert problem(bad_path, 422, "validation_error")["errors"] == {
        "date": ["Use a date as YYYY-MM-DD."]
    }


# --- time off ------------------------------------------------------------------------------


def test_add_time_off_for_a_staff_member(owner_client, anna):
    response = send(
        owner_client,
        "post",
        f"/api/v1/staff/{anna.pk}/time-off/",
        {
            "start": "2026-12-24T09:00:00+01:00",
            "end": "2027-01-02T00:00:00Z",
            "reason": " Holiday ",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    time_off = TimeOff.objects.get()
    assert body == {
        "id": time_off.pk,
        "staff": anna.pk,
        "start": "2026-12-24T08:00:00Z",
        "end": "2027-01-02T00:00:00Z",
        "reason": "Holiday",
        "created_at": body["created_at"],
    }
    assert time_off.start == datetime(2026, 12, 24, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"start": "2026-12-24T09:00:00", "end": "2026-12-24T17:00:00Z"},
            {"start": ["Include a UTC offset, e.g. 2026-03-01T09:00:00+00:00 or ...Z."]},
        ),
        (
            {"start": "2026-12-24T17:00:00Z", "end": "2026-12-24T09:00:00Z"},
            {"end": ["The end must be after the start."]},
        ),
        (
            {"start": "2026-12-24T09:00:00Z", "end": "2026-12-24T09:00:00Z"},
            {"end": ["The end must be after the start."]},
        ),
        (
            {"start": "tomorrow", "end": "2026-12-24T09:00:00Z"},
            {
                "start": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
        ({"start": "2026-12-24T09:00:00Z"}, {"end": ["This field is required."]}),
    ],
)
def test_invalid_time_off_is_refused(owner_client, anna, body, errors):
    before = studio_rows()

    response = send(owner_client, "post", f"/api/v1/staff/{anna.pk}/time-off/", body)

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_time_off_crud_at_the_top_level(owner_client, anna):
    ben = StaffMemberFactory(display_name="Ben")

    created = send(
        owner_client,
        "post",
        "/api/v1/time-off/",
        {"staff": anna.pk, "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T12:00:00Z"},
    )
    time_off_id = created.json()["id"]
    moved = send(owner_client, "patch", f"/api/v1/time-off/{time_off_id}/", {"staff": ben.pk})
    backwards = send(
        owner_client, "patch", f"/api/v1/time-off/{time_off_id}/", {"end": "2026-12-01T08:00:00Z"}
    )
    replaced = send(
        owner_client,
        "put",
        f"/api/v1/time-off/{time_off_id}/",
        {"staff": ben.pk, "start": "2026-12-02T09:00:00Z", "end": "2026-12-02T10:00:00Z"},
    )
    got = owner_client.get(f"/api/v1/time-off/{time_off_id}/")
    deleted = owner_client.delete(f"/api/v1/time-off/{time_off_id}/")

    assert created.status_code == 201
    assert created.json()["reason"] == ""
    assert moved.status_code == 200
    assert moved.json()["staff"] == ben.pk
    assert problem(backwards, 422, "validation_error")["errors"] == {
        "end": ["The end must be after the start."]
    }
    assert replaced.status_code == 200
    assert got.json()["start"] == "2026-12-02T09:00:00Z"
    assert deleted.status_code == 204
    assert not TimeOff.objects.exists()
    problem(owner_client.get(f"/api/v1/time-off/{time_off_id}/"), 404, "not_found")


def test_time_off_for_an_unknown_staff_member(owner_client):
    before = studio_rows()

    body_ref = send(
        owner_client,
        "post",
        "/api/v1/time-off/",
        {"staff": 424242, "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T12:00:00Z"},
    )
    path_ref = send(
        owner_client,
        "post",
        "/api/v1/staff/424242/time-off/",
        {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T12:00:00Z"},
    )

    assert problem(body_ref, 422, "validation_error")["errors"] == {
        "staff": ["No staff member with id 424242 in this studio."]
    }
    problem(path_ref, 404, "not_found")
    assert studio_rows() == before


def test_time_off_lists_filter_by_range_and_staff(owner_client, anna):
    ben = StaffMemberFactory(display_name="Ben")

    def off(staff, start, end):
        return TimeOff.objects.create(staff=staff, start=start, end=end)

    # alpha is in Europe/London: 2026-07-01 runs from 2026-06-30T23:00Z to 2026-07-01T23:00Z.
    late_june = off(
        anna, datetime(2026, 6, 30, 20, tzinfo=UTC), datetime(2026, 6, 30, 23, tzinfo=UTC)
    )
    july_first = off(
        anna, datetime(2026, 7, 1, 8, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC)
    )
    long_leave = off(ben, datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))

    def ids(url, params):
        response = owner_client.get(url, params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert ids("/api/v1/time-off/", {}) == [long_leave.pk, late_june.pk, july_first.pk]
    assert ids("/api/v1/time-off/", {"start": "2026-07-01", "end": "2026-07-01"}) == [
        long_leave.pk,
        july_first.pk,
    ]
    assert ids("/api/v1/time-off/", {"staff": anna.pk, "ordering": "-start"}) == [
        july_first.pk,
        late_june.pk,
    ]
    assert ids(
        "/api/v1/time-off/",
        {"start": "2026-06-30T21:00:00+00:00", "end": "2026-06-30T22:00:00Z"},
    ) == [long_leave.pk, late_june.pk]
    assert ids(f"/api/v1/staff/{anna.pk}/time-off/", {"end": "2026-06-30"}) == [late_june.pk]
    assert ids(f"/api/v1/staff/{ben.pk}/time-off/", {"limit": 1}) == [long_leave.pk]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"start": "soon"},
            "start",
            "Use a date (YYYY-MM-DD) or a date and time with its UTC offset.",
        ),
        (
            {"start": "2026-02-30"},
            "start",
            "Use a date (YYYY-MM-DD) or a date and time with its UTC offset.",
        ),
        (
            {"end": "2026-07-01T10:00:00"},
            "end",
            "Include a UTC offset, e.g. 2026-03-01T09:00:00+00:00 or ...Z.",
        ),
        ({"start": "2026-07-02", "end": "2026-07-01"}, "end", "The end must be after the start."),
        ({"staff": "anna"}, "staff", "A valid integer is required."),
    ],
)
def test_bad_time_off_queries_are_field_errors(owner_client, params, field, message):
    response = owner_client.get("/api/v1/time-off/", params)

    assert problem(response, 422, "validation_error")["errors"] == {field: [message]}
