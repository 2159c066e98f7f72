"""The appointment list (what the calendar reads) is written by PostgreSQL for speed
(tenant_apps.scheduling.list_json): it must stay byte for byte what DRF would send
(AppointmentSerializer, LimitOffsetPagination, JSONRenderer), and its query count must not grow."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.serializers import AppointmentSerializer
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_transition,
)
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

LONDON = ZoneInfo("Europe/London")
DAY = date(2030, 6, 3)  # a Monday in British Summer Time


def _book(service: Any, staff: Any, customer: Any, hour: int, minute: int = 0) -> Appointment:
    return appointment_create(
        service=service,
        staff=staff,
        customer=customer,
        start=datetime.combine(DAY, time(hour, minute), LONDON),
        source=AppointmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
        answers={"goals": "Stretch", "first_visit": True},
        customer_note="Side door, please",
        owner_notes="Prefers firm pressure",
    )


def test_the_list_equals_the_serializer_field_for_field(in_alpha, alpha_client, alpha_owner):
    ann = StaffMemberFactory(display_name="Ann", timezone="Europe/Dublin", color="#123456")
    weekly_hours_set(ann)
    massage = ServiceFactory(
        name="Massage",
        performers=[ann],
        price=Decimal("12.5"),
        buffer_before_minutes=10,
        buffer_after_minutes=15,
    )
    pat = CustomerFactory(full_name="Pat", phone="+44 20 7946 0000")
    first = _book(massage, ann, pat, 9)
    second = _book(massage, ann, pat, 13, 30)
    appointment_transition(
        appointment=second,
        to_status=AppointmentStatus.CANCELLED,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        reason="Ill",
    )
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get(f"/api/v1/appointments/?start={DAY}&end={DAY}")

    assert response.status_code == 200
    listed = response.json()["results"]
    rows = Appointment.objects.filter(pk__in=[first.pk, second.pk]).select_related(
        "service", "staff", "customer"
    )
    request = response.wsgi_request
    expected = AppointmentSerializer(rows, many=True, context={"request": request}).data
    assert listed == [dict(row) for row in expected]
    assert listed[0]["price"] == "12.50"
    assert listed[0]["start"] == "2030-06-03T08:00:00Z"
    assert listed[0]["ics_url"] == f"http://alpha.localhost/api/v1/appointments/{first.pk}.ics"
    assert (listed[1]["status"], listed[1]["status_reason"]) == ("cancelled", "Ill")


def test_the_list_costs_the_same_queries_for_one_or_forty(in_alpha, alpha_client, alpha_owner):
    people = [StaffMemberFactory(display_name=f"P{i}") for i in range(4)]
    for person in people:
        weekly_hours_set(person, start=0, end=24 * 60)
    service = ServiceFactory(name="Session", performers=people, duration_minutes=30)
    customers = [CustomerFactory() for _ in range(3)]
    alpha_client.force_login(alpha_owner)
    _book(service, people[0], customers[0], 6)
    path = f"/api/v1/appointments/?start={DAY}&end={DAY}&limit=1000"
    alpha_client.get(path)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = alpha_client.get(path).json()
        return len(captured), body["count"]

    one = queries()
    for i in range(39):
        start = datetime.combine(DAY, time(7), LONDON) + timedelta(minutes=30 * (i // 4))
        appointment_create(
            service=service,
            staff=people[i % 4],
            customer=customers[i % 3],
            start=start,
            source=AppointmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )
    forty = queries()
    assert (one[1], forty[1]) == (1, 40)
    assert one[0] == forty[0]


# --- the bytes: PostgreSQL writes the page, and it must be what DRF would send -----------------

# Every character class JSON treats specially: quotes, backslashes, the short escapes, another
# control character, the two separators DRF escapes after json.dumps, and non-ASCII text kept
# as UTF-8 (accents, typographic quotes, an emoji outside the BMP).
AWKWARD = 'Zoë "Z" O\'Brien \\ tab\there\r\nnew\x01bell\x07\x1f \u2028 \u2029 “quoted” 😀 <&>'
ANSWERS = {
    "goals": 'Stretch "hard"\n\u2028',
    "first_visit": True,
    "nested": {"list": [1, 2.5, None, "é", -0.1], "empty": {}, "none": []},
    "big": 12345678901234567890,
    "\u2028key": "x",
}


@pytest.fixture
def awkward(in_alpha: Any) -> list[Appointment]:
    """Three appointments full of awkward values: escapes everywhere, odd buffers and prices,
    and starts with a fraction of a second ending in zeros (.500000), starting with zeros
    (.000120) and without any."""
    ann = StaffMemberFactory(display_name=AWKWARD, timezone="Europe/Dublin", color="#123456")
    weekly_hours_set(ann, start=0, end=24 * 60)
    massage = ServiceFactory(
        name=f"Massage {AWKWARD}",
        performers=[ann],
        price=Decimal("12.5"),
        buffer_before_minutes=10,
        buffer_after_minutes=15,
    )
    pat = CustomerFactory(full_name=AWKWARD, phone="+44 20 7946 0000\t")
    first = _book(massage, ann, pat, 9)
    second = _book(massage, ann, pat, 13, 30)
    third = _book(massage, ann, pat, 16)
    appointment_transition(
        appointment=second,
        to_status=AppointmentStatus.CANCELLED,
        actor=Actor(label="Desk"),
        now=timezone.now(),
        studio_timezone="Europe/London",
        reason=AWKWARD,
    )
    Appointment.objects.filter(pk=first.pk).update(
        answers=ANSWERS,
        owner_notes=AWKWARD,
        customer_note="",
        price=Decimal("0"),
        start=F("start") + timedelta(microseconds=500000),
        buffer_before=timedelta(seconds=90),
    )
    Appointment.objects.filter(pk=third.pk).update(
        start=F("start") + timedelta(microseconds=120), price=Decimal("12345678.99")
    )
    return [first, second, third]


def _drf_body(response: Any, rows: Any, accepted_media_type: str | None = None) -> bytes:
    """What plain DRF sends for this request: AppointmentSerializer over `rows`, DRF's
    LimitOffsetPagination, DRF's JSONRenderer."""
    http_request = response.wsgi_request
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(list(rows), Request(http_request))
    assert page is not None
    data = AppointmentSerializer(page, many=True, context={"request": http_request}).data
    envelope = paginator.get_paginated_response(data).data
    return JSONRenderer().render(envelope, accepted_media_type)


def _rows(*, order: tuple[str, ...] = ("start", "id"), **filters: Any) -> Any:
    return (
        Appointment.objects.filter(**filters)
        .select_related("service", "staff", "customer")
        .order_by(*order)
    )


def test_the_page_is_byte_for_byte_what_drf_sends(awkward, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get(f"/api/v1/appointments/?start={DAY}&end={DAY}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == _drf_body(response, _rows())
    listed = response.json()["results"]
    assert [row["id"] for row in listed] == [a.pk for a in awkward]
    assert listed[0]["start"] == "2030-06-03T08:00:00.500000Z"
    assert listed[2]["start"] == "2030-06-03T15:00:00.000120Z"
    assert listed[0]["end"] == "2030-06-03T09:00:00Z"
    assert (listed[0]["buffer_before_minutes"], listed[0]["buffer_after_minutes"]) == (1, 15)
    assert [row["price"] for row in listed] == ["0.00", "12.50", "12345678.99"]
    assert listed[0]["answers"] == ANSWERS
    assert listed[1]["status_reason"] == AWKWARD
    assert b"\\u2028" in response.content
    assert "\u2028".encode() not in response.content
    assert "😀".encode() in response.content


@pytest.mark.parametrize(
    ("query", "filters", "order"),
    [
        ("limit=2", {}, ("start", "id")),
        ("limit=2&offset=1", {}, ("start", "id")),
        ("limit=1&offset=2", {}, ("start", "id")),
        ("limit=2&offset=3", {}, ("start", "id")),
        ("offset=7", {}, ("start", "id")),
        ("limit=nonsense&offset=-4", {}, ("start", "id")),
        # Past any page, and past PostgreSQL's bigint: still DRF's answer, never a 500.
        (f"offset={10**20}", {}, ("start", "id")),
        (f"limit={10**20}", {}, ("start", "id")),
        (f"limit={2**63 - 1}&offset=1", {}, ("start", "id")),
        ("ordering=-start&limit=2", {}, ("-start",)),
        ("status=cancelled", {"status": AppointmentStatus.CANCELLED}, ("start", "id")),
        ("status=no_show", {"status": AppointmentStatus.NO_SHOW}, ("start", "id")),
    ],
)
def test_pages_counts_and_links_are_drfs(awkward, alpha_client, alpha_owner, query, filters, order):
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get(f"/api/v1/appointments/?start={DAY}&end={DAY}&{query}")

    assert response.status_code == 200
    assert response.content == _drf_body(response, _rows(order=order, **filters))


def test_a_page_is_one_query_on_appointments_total_included(awkward, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    path = f"/api/v1/appointments/?start={DAY}&end={DAY}&limit=2&offset=1"

    with CaptureQueriesContext(connection) as captured:
        body = alpha_client.get(path).json()

    reads = [q["sql"] for q in captured if "scheduling_appointment" in q["sql"]]
    assert len(reads) == 1
    assert "COUNT(*) OVER ()" in reads[0]
    assert (body["count"], len(body["results"])) == (3, 2)


def test_indented_json_is_drfs_indented_json(awkward, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)
    accept = "application/json; indent=4"

    response = alpha_client.get(
        f"/api/v1/appointments/?start={DAY}&end={DAY}&limit=2", HTTP_ACCEPT=accept
    )

    assert response.status_code == 200
    assert response.content == _drf_body(response, _rows(), accept)
    assert b'\n    "count": 3,' in response.content


def test_the_browsable_api_still_shows_the_list(awkward, alpha_client, alpha_owner):
    alpha_client.force_login(alpha_owner)

    response = alpha_client.get(
        f"/api/v1/appointments/?start={DAY}&end={DAY}", HTTP_ACCEPT="text/html"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f"/api/v1/appointments/{awkward[0].pk}.ics" in response.content.decode()


def test_another_active_timezone_is_still_what_drf_sends(awkward, alpha_client, alpha_owner):
    """PostgreSQL writes UTC; should anything activate another zone, the list is built in
    Python instead, and still equals the serializer's output (in that zone)."""
    alpha_client.force_login(alpha_owner)

    with timezone.override(ZoneInfo("Europe/London")):
        response = alpha_client.get(f"/api/v1/appointments/?start={DAY}&end={DAY}")
        expected = _drf_body(response, _rows())

    assert response.status_code == 200
    assert response.content == expected
    assert response.json()["results"][1]["start"] == "2030-06-03T13:30:00+01:00"
