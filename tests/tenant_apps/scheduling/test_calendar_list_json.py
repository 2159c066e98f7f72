"""The appointment list (what the calendar reads) is built by hand for speed: it must stay equal
to AppointmentSerializer's output, field for field, and its query count must not grow."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
