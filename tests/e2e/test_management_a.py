"""The owner's management screens in headless Chromium against a real server: services,
staff (profile, weekly hours, overrides, time off), booking pages, the appointment list and the
approval queue. The row editors are used with JavaScript (rows added in the page), a booking is
confirmed and another declined. Screenshots of every screen at desktop and phone width go to
tests/artifacts/manage/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import BookingPage
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    DateOverride,
    TimeOff,
    WeeklyHours,
)
from tenant_apps.scheduling.services import OWNER_CHECKS, Actor, appointment_create
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, LiveServer, chromium_page
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "manage"
LONDON = ZoneInfo("Europe/London")


def _weekday_ahead(days: int) -> date:
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def studio(alpha_tx: Tenant) -> Iterator[dict[str, Any]]:
    """Committed in alpha (the server is another process); alpha_tx's flush removes it."""
    anna = StaffMemberFactory(display_name="Anna Berg", color="#0ea5e9", email="anna@alpha.test")
    ben = StaffMemberFactory(display_name="Ben Ode", color="#f97316")
    weekly_hours_set(anna, days=range(5), start=9 * 60, end=12 * 60)
    weekly_hours_set(anna, days=range(5), start=13 * 60, end=17 * 60)
    weekly_hours_set(ben, days=range(6))
    mat = ServiceFactory(
        name="Mat class", category="Pilates", performers=[anna, ben], color="#6366f1"
    )
    private = ServiceFactory(
        name="Private reformer",
        category="Pilates",
        requires_approval=True,
        price="75.00",
        performers=[anna, ben],
        color="#10b981",
    )
    ServiceFactory(name="Old massage", category="Massage", is_active=False)
    page = BookingPage.objects.create(
        slug="reformer",
        title="Reformer sessions",
        questions=[{"id": "goals", "label": "Your goals?", "type": "text", "required": False}],
    )
    page.services.set([private])
    day = _weekday_ahead(3)
    TimeOff.objects.create(
        staff=anna,
        start=datetime.combine(day + timedelta(days=7), time(9), LONDON),
        end=datetime.combine(day + timedelta(days=9), time(17), LONDON),
        reason="Course",
    )
    DateOverride.objects.create(staff=anna, date=day + timedelta(days=14))

    def book(service, staff, name: str, hour: int, offset: int = 0) -> Appointment:  # type: ignore[no-untyped-def]
        return appointment_create(
            service=service,
            staff=staff,
            customer=CustomerFactory(full_name=name),
            start=datetime.combine(day + timedelta(days=offset), time(hour), LONDON),
            source=AppointmentSource.OWNER_APP,
            actor=Actor(label="Desk"),
            now=timezone.now(),
            studio_timezone="Europe/London",
            checks=OWNER_CHECKS,
        )

    with notifications_muted():
        booked = {
            "amy": book(mat, anna, "Amy Adams", 10),
            "bob": book(private, ben, "Bob Brown", 11),
            "cat": book(private, anna, "Cat Cole", 14, offset=1),
            "dan": book(mat, ben, "Dan Doe", 15, offset=2),
        }
    yield {"anna": anna, "ben": ben, "mat": mat, "page": page, **booked}
    connection.set_tenant(alpha_tx)
    owner = User.objects.get(email="owner@alpha.test")
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(owner.pk):
            session.delete()


def _sign_in(page: Page, server: LiveServer, next_path: str) -> None:
    page.goto(server.studio_url("alpha", f"/accounts/login/?next={next_path}"))
    page.fill("#id_email", "owner@alpha.test")
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.studio_url("alpha", next_path))


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_management_screens(uvicorn_server: LiveServer, studio: dict[str, Any]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    anna, page_id = studio["anna"].pk, studio["page"].pk
    screens = {
        "services": "/app/services/",
        "service_edit": f"/app/services/{studio['mat'].pk}/",
        "staff": "/app/staff/",
        "staff_profile": f"/app/staff/{anna}/",
        "staff_hours": f"/app/staff/{anna}/hours/",
        "staff_overrides": f"/app/staff/{anna}/overrides/",
        "staff_time_off": f"/app/staff/{anna}/time-off/",
        "booking_pages": "/app/booking-pages/",
        "booking_page_edit": f"/app/booking-pages/{page_id}/",
        "appointments": "/app/appointments/",
        "approvals": "/app/approvals/",
    }
    overflow: dict[str, int] = {}
    for size, options in (("desktop", DESKTOP), ("phone", PHONE)):
        with chromium_page(**options) as page:
            _sign_in(page, uvicorn_server, "/app/services/")
            for name, path in screens.items():
                page.goto(uvicorn_server.studio_url("alpha", path))
                page.wait_for_load_state("networkidle")
                assert page.locator("h1").first.is_visible()
                overflow[f"{name}/{size}"] = _overflow(page)
                page.screenshot(path=str(SHOTS / f"{name}_{size}.png"), full_page=True)
    assert {key: value for key, value in overflow.items() if value > 0} == {}


def test_hours_questions_and_approvals_in_the_browser(
    uvicorn_server: LiveServer, studio: dict[str, Any]
) -> None:
    anna, page_id = studio["anna"].pk, studio["page"].pk
    bob, cat = studio["bob"].pk, studio["cat"].pk
    with chromium_page(**DESKTOP) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        _sign_in(page, uvicorn_server, f"/app/staff/{anna}/hours/")

        # Saturday: two rows added in the page, overlapping: refused beside the row.
        saturday = page.locator('[data-day="5"]')
        saturday.get_by_role("button", name="+ Add hours on Saturday").click()
        saturday.get_by_role("button", name="+ Add hours on Saturday").click()
        saturday.get_by_label("Saturday from").nth(0).fill("09:00")
        saturday.get_by_label("Saturday until").nth(0).fill("12:00")
        saturday.get_by_label("Saturday from").nth(1).fill("11:00")
        saturday.get_by_label("Saturday until").nth(1).fill("13:00")
        page.get_by_role("button", name="Save hours").last.click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Overlaps 09:00–12:00 on Saturday.").is_visible()
        page.screenshot(path=str(SHOTS / "staff_hours_error_desktop.png"), full_page=True)

        # Fixed: the second row removed in the page, then saved.
        page.locator('[data-day="5"]').get_by_role(
            "button", name="Remove these Saturday hours"
        ).nth(1).click()
        page.get_by_role("button", name="Save hours").last.click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Anna Berg's working hours were saved.").is_visible()

        # A choice question added in the page: its options box appears with the type.
        page.goto(uvicorn_server.studio_url("alpha", f"/app/booking-pages/{page_id}/"))
        page.get_by_role("button", name="+ Add a question").click()
        question = page.locator("[data-question]").last
        question.get_by_label("Question", exact=True).fill("Your level")
        assert not question.get_by_label("Options, one per line").is_visible()
        question.get_by_label("Answer", exact=True).select_option("choice")
        question.get_by_label("Options, one per line").fill("Beginner\nAdvanced")
        question.get_by_text("Required").click()
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("The booking page “Reformer sessions” was saved.").is_visible()

        # Approvals: Bob confirmed, Cat declined with a reason.
        page.goto(uvicorn_server.studio_url("alpha", "/app/approvals/"))
        page.locator(f"#appointment-{bob}").get_by_role("button", name="Confirm").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Confirmed Bob Brown's Private reformer").is_visible()
        card = page.locator(f"#appointment-{cat}")
        card.get_by_text("Decline…").click()
        card.get_by_role("button", name="Decline and tell the customer").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Give a reason: the customer is told why.").is_visible()
        page.locator(f"#appointment-{cat}").get_by_label("Reason for the customer").fill(
            "Anna is away that week."
        )
        page.locator(f"#appointment-{cat}").get_by_role(
            "button", name="Decline and tell the customer"
        ).click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Nothing waiting.").is_visible()

    saturday_hours = list(
        WeeklyHours.objects.filter(staff_id=anna, weekday=5).values_list(
            "start_minute", "end_minute"
        )
    )
    assert saturday_hours == [(540, 720)]
    assert WeeklyHours.objects.filter(staff_id=anna).count() == 11
    questions = BookingPage.objects.get(pk=page_id).questions
    assert questions[-1] == {
        "id": "your-level",
        "label": "Your level",
        "type": "choice",
        "required": True,
        "choices": ["Beginner", "Advanced"],
    }
    statuses = dict(Appointment.objects.filter(pk__in=[bob, cat]).values_list("pk", "status"))
    assert statuses == {bob: AppointmentStatus.CONFIRMED, cat: AppointmentStatus.REJECTED}
    assert Appointment.objects.get(pk=cat).status_reason == "Anna is away that week."
