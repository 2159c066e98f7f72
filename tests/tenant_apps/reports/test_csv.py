"""CSV exports, compared byte for byte: times in the studio's zone across the DST change,
formula-looking text defused, numbers left as numbers."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.reports.csv_export import safe_cell
from tests.factories.catalog import weekly_hours_set
from tests.tenant_apps.reports.conftest import ALPHA, book
from tests.tenant_apps.reports.generator import ZONE

RANGE = {"preset": "custom", "start": "2025-03-29", "end": "2025-03-31", "group": "day"}
BOM = "\ufeff"


def _at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime.combine(date(2025, month, day), time(hour, minute), ZONE)


@pytest.fixture
def studio_days(in_alpha):
    """Three days around the clocks going forward (Sunday 30 March 2025)."""
    ava = StaffMember.objects.create(display_name="Ava Stone")
    ben = StaffMember.objects.create(display_name="Ben Lowe")
    weekly_hours_set(ava)  # 09:00-17:00 every day
    reformer = Service.objects.create(
        name="Reformer", duration_minutes=55, price=Decimal("65.00"), currency="GBP"
    )
    intro = Service.objects.create(
        name="Intro", duration_minutes=30, price=Decimal("35.50"), currency="GBP"
    )
    zoe = Customer.objects.create(full_name="Zoë Adams", email="zoe@example.test")
    evil = Customer.objects.create(
        full_name='=HYPERLINK("http://x.test","y")',
        email="evil@example.test",
        phone="+44 7700 900123",
    )
    rex = Customer.objects.create(full_name="Rex Roe", email="rex@example.test")
    rows = {
        "before": book(
            staff=ava, service=reformer, customer=zoe, start=_at(28, 23, 30), status="completed"
        ),
        "sat": book(
            staff=ava,
            service=reformer,
            customer=zoe,
            start=_at(29, 9),
            status="completed",
            note="-2 days early",
        ),
        "sun_gmt": book(
            staff=ben,
            service=intro,
            customer=evil,
            start=_at(30, 0, 30),
            status="confirmed",
            note="@admin\nsecond line",
        ),
        "sun_bst": book(
            staff=ava, service=reformer, customer=zoe, start=_at(30, 10), status="cancelled"
        ),
        "rejected": book(
            staff=ava, service=intro, customer=rex, start=_at(31, 12), status="rejected"
        ),
        "mon_late": book(
            staff=ben, service=intro, customer=zoe, start=_at(31, 23, 30), status="no_show"
        ),
        "after": book(
            staff=ava, service=intro, customer=zoe, start=_at(1, 9, month=4), status="confirmed"
        ),
    }
    return rows


def _get(web, alpha_owner, path: str, params: dict[str, str]):
    web.force_login(alpha_owner)
    response = web.get(path, params, HTTP_HOST=ALPHA)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response


def test_appointment_export(web, alpha_owner, studio_days):
    # Times are the studio's wall clock: the booking at 00:30 GMT on the 30th ends at 02:00
    # BST (30 minutes later, across the change); the one at 23:30 on the 28th is outside.
    r = studio_days

    response = _get(web, alpha_owner, "/app/reports/appointments.csv", RANGE)

    assert response["Content-Disposition"] == (
        'attachment; filename="appointments_2025-03-29_2025-03-31.csv"'
    )
    assert response.content.decode() == BOM + (
        "reference,date,start,end,timezone,status,service,staff,customer,customer_email,"
        "customer_phone,source,price,currency,customer_note\r\n"
        f"{r['sat'].reference},2025-03-29,09:00,09:55,GMT,Completed,Reformer,Ava Stone,"
        "Zoë Adams,zoe@example.test,,Owner app,65.00,GBP,'-2 days early\r\n"
        f"{r['sun_gmt'].reference},2025-03-30,00:30,02:00,GMT,Confirmed,Intro,Ben Lowe,"
        '"\'=HYPERLINK(""http://x.test"",""y"")",evil@example.test,\'+44 7700 900123,'
        'Owner app,35.50,GBP,"\'@admin\nsecond line"\r\n'
        f"{r['sun_bst'].reference},2025-03-30,10:00,10:55,BST,Cancelled,Reformer,Ava Stone,"
        "Zoë Adams,zoe@example.test,,Owner app,65.00,GBP,\r\n"
        f"{r['rejected'].reference},2025-03-31,12:00,12:30,BST,Rejected,Intro,Ava Stone,"
        "Rex Roe,rex@example.test,,Owner app,35.50,GBP,\r\n"
        f"{r['mon_late'].reference},2025-03-31,23:30,00:00,BST,No-show,Intro,Ben Lowe,"
        "Zoë Adams,zoe@example.test,,Owner app,35.50,GBP,\r\n"
    )


def test_appointment_export_filters_by_status_and_staff(web, alpha_owner, studio_days):
    r = studio_days
    ben = r["sun_gmt"].staff

    response = _get(
        web,
        alpha_owner,
        "/app/reports/appointments.csv",
        {**RANGE, "staff": str(ben.pk), "status": ["no_show", "cancelled"]},
    )

    lines = response.content.decode().removeprefix(BOM).split("\r\n")
    assert [line.split(",")[0] for line in lines[1:-1]] == [r["mon_late"].reference]


def test_periods_table(web, alpha_owner, studio_days):
    response = _get(web, alpha_owner, "/app/reports/periods.csv", RANGE)

    assert response["Content-Disposition"] == (
        'attachment; filename="periods_2025-03-29_2025-03-31.csv"'
    )
    assert response.content.decode() == BOM + (
        "period_start,period,bookings,pending,confirmed,completed,cancelled,no_shows,"
        "cancellation_rate_percent,no_show_rate_percent,revenue_GBP\r\n"
        "2025-03-29,Sat 29 Mar,1,0,0,1,0,0,0.0,0.0,65.00\r\n"
        "2025-03-30,Sun 30 Mar,2,0,1,0,1,0,50.0,,35.50\r\n"
        "2025-03-31,Mon 31 Mar,1,0,0,0,0,1,0.0,100.0,0.00\r\n"
    )


def test_staff_table(web, alpha_owner, studio_days):
    response = _get(web, alpha_owner, "/app/reports/staff.csv", RANGE)

    # Ava: 55 minutes on Saturday plus the last 25 of the one that began at 23:30 the night
    # before the range (cancelled and rejected ones hold no time), of 3 x 8 hours (the short
    # Sunday still has all eight working hours); Ben: 30 + 30 minutes (a no-show's slot was
    # kept for them), no working hours set.
    assert response.content.decode() == BOM + (
        "staff,booked_minutes,available_minutes,utilisation_percent\r\n"
        "Ava Stone,80,1440,5.6\r\n"
        "Ben Lowe,60,0,\r\n"
    )


def test_services_table(web, alpha_owner, studio_days):
    response = _get(web, alpha_owner, "/app/reports/services.csv", RANGE)

    assert response.content.decode() == BOM + (
        "service,bookings,completed,revenue_GBP\r\nReformer,2,1,65.00\r\nIntro,2,0,35.50\r\n"
    )


def test_customers_table(web, alpha_owner, studio_days):
    response = _get(web, alpha_owner, "/app/reports/customers.csv", RANGE)

    # Zoë first booked on the 28th (before the range): returning; the other one is new on
    # the 30th; Rex's only request was rejected, so he is no customer yet.
    assert response.content.decode() == BOM + (
        "period_start,period,new_customers,returning_customers\r\n"
        "2025-03-29,Sat 29 Mar,0,1\r\n"
        "2025-03-30,Sun 30 Mar,1,1\r\n"
        "2025-03-31,Mon 31 Mar,0,1\r\n"
    )


def test_unknown_table_is_not_found(web, alpha_owner, in_alpha):
    web.force_login(alpha_owner)

    assert web.get("/app/reports/secrets.csv", HTTP_HOST=ALPHA).status_code == 404


def test_invalid_export_range_is_a_problem_response(web, alpha_owner, in_alpha):
    web.force_login(alpha_owner)

    response = web.get(
        "/app/reports/appointments.csv",
        {"preset": "custom", "start": "2025-03-10", "end": "2025-03-01"},
        HTTP_HOST=ALPHA,
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == {"end": ["The last day must be on or after the first day."]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (Decimal("-5.00"), Decimal("-5.00")),
        (3, 3),
        (None, ""),
        (date(2025, 3, 1), "2025-03-01"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
