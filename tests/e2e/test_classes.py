"""Group classes in the browser: one customer takes the last spot on the public schedule,
another joins the waitlist (number 1), the first cancels in their portal and the second is
promoted (automatic mode) and sees the class booked in theirs. And an owner schedules a weekly
series and finds it in the week view."""

from __future__ import annotations

import re
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
from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tenant_apps.classes.services import enrollment_book
from tenant_apps.scheduling.services import Actor
from tenants.models import Tenant
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, LiveServer, chromium_page
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "classes"
LONDON = ZoneInfo("Europe/London")
AMY = "amy.classes-e2e@example.test"
BEN = "ben.classes-e2e@example.test"


def _monday(weeks: int) -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


@pytest.fixture
def reformer_class(alpha_tx: Tenant) -> Iterator[dict[str, Any]]:
    """A reformer class next week with one of its two spots taken (committed: the server is
    another process; alpha_tx's flush removes it all, on alpha's schema only)."""
    ann = StaffMemberFactory(display_name="Ann Lee")
    flow = class_type_make(
        name="Reformer Flow",
        capacity=2,
        default_instructor=ann,
        color="#7c3aed",
        description="Flowing full-body work on the reformer.",
    )
    day = _monday(1) + timedelta(days=2)
    session = session_make(class_type=flow, start=datetime.combine(day, time(18), LONDON))
    session_make(class_type=flow, start=datetime.combine(day, time(9), LONDON))
    enrollment_book(
        session=session,
        customer=CustomerFactory(full_name="Early Bird"),
        payment=EnrollmentPayment.AT_STUDIO,
        source=EnrollmentSource.OWNER_APP,
        actor=Actor(label="Desk"),
        now=timezone.now(),
    )
    yield {"session": session, "day": day, "flow": flow}
    connection.set_tenant(alpha_tx)


def _book_on_the_schedule(page: Page, server: LiveServer, day: date, name: str, email: str) -> None:
    page.goto(server.studio_url("alpha", f"/classes/?week={_monday(1).isoformat()}"))
    page.locator(f'[data-day="{day.isoformat()}"] .schedule-item', has_text="18:00").get_by_role(
        "link"
    ).click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)


def _portal_sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.studio_url("alpha", "/portal/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    messages = [
        m
        for m in server.sent_mail()
        if email in str(m["To"]) and str(m["Subject"]).startswith("Your sign-in link")
    ]
    assert messages, f"no sign-in email to {email}"
    body = messages[-1].get_body(preferencelist=("plain",))
    assert body is not None
    link = re.search(r"http://alpha\.localhost:\d+/portal/signin/[^\s/]+/", body.get_content())
    assert link, body.get_content()
    page.goto(link.group(0))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My bookings").wait_for()
    page.get_by_role("link", name="My classes").click()
    page.get_by_role("heading", name="My classes").wait_for()


def test_last_spot_waitlist_cancel_and_promotion(
    uvicorn_server: LiveServer, reformer_class: dict[str, Any]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    day = reformer_class["day"]

    with chromium_page(**PHONE) as page:
        _book_on_the_schedule(page, uvicorn_server, day, "Amy Adams", AMY)
        page.screenshot(path=str(SHOTS / "01_details_last_spot.png"), full_page=True)
        page.get_by_role("button", name="Book my spot").click()
        page.get_by_role("heading", name="You're booked!").wait_for()
        amy_status = page.locator("[data-status]").inner_text()
        page.screenshot(path=str(SHOTS / "02_booked.png"), full_page=True)

    with chromium_page(**DESKTOP) as page:
        page.goto(uvicorn_server.studio_url("alpha", f"/classes/?week={_monday(1).isoformat()}"))
        full_badge = (
            page.locator(f'[data-day="{day.isoformat()}"] .schedule-item', has_text="18:00")
            .locator("[data-spots]")
            .inner_text()
        )
        page.screenshot(path=str(SHOTS / "03_schedule_full.png"), full_page=True)
        # A visitor abroad shows the week in their own zone: the same class, at New York's time.
        new_york = reformer_class["session"].start.astimezone(ZoneInfo("America/New_York"))
        page.get_by_label("Times shown in").select_option("America/New_York")
        page.get_by_role("button", name="Filter").click()
        page.get_by_text("Times are shown in America/New York").wait_for()
        page.locator(
            f'[data-day="{new_york.date().isoformat()}"] .schedule-item',
            has_text=new_york.strftime("%H:%M"),
        ).wait_for()
        page.screenshot(path=str(SHOTS / "03b_schedule_new_york.png"), full_page=True)
        page.locator(
            f'[data-day="{new_york.date().isoformat()}"] .schedule-item',
            has_text=new_york.strftime("%H:%M"),
        ).get_by_role("link").click()
        page.get_by_text("(America/New York; the studio is in Europe/London)").wait_for()
        page.screenshot(path=str(SHOTS / "03c_details_new_york.png"), full_page=True)
        _book_on_the_schedule(page, uvicorn_server, day, "Ben Brown", BEN)
        page.get_by_role("button", name="Join the waitlist").click()
        page.get_by_role("heading", name="You're on the waitlist").wait_for()
        ben_position = page.locator("[data-position]").inner_text()
        page.screenshot(path=str(SHOTS / "04_waitlisted.png"), full_page=True)

    with chromium_page(**PHONE) as page:
        _portal_sign_in(page, uvicorn_server, AMY)
        page.screenshot(path=str(SHOTS / "05_portal_amy.png"), full_page=True)
        page.get_by_role("button", name="Cancel my place in Reformer Flow").click()
        page.get_by_text("Your place in Reformer Flow is cancelled.").wait_for()
        page.screenshot(path=str(SHOTS / "06_portal_amy_cancelled.png"), full_page=True)

    with chromium_page(**PHONE) as page:
        _portal_sign_in(page, uvicorn_server, BEN)
        booked = page.locator("section", has=page.locator("#booked-title"))
        ben_status = booked.locator("[data-status]").inner_text()
        waiting_text = page.locator("section", has=page.locator("#waiting-title")).inner_text()
        page.screenshot(path=str(SHOTS / "07_portal_ben_promoted.png"), full_page=True)

    assert amy_status == "Booked"
    assert full_badge == "Full"
    assert ben_position == "number 1"
    assert ben_status == "Booked"
    assert "You aren't waiting for any class." in waiting_text
    session = ClassSession.objects.get(pk=reformer_class["session"].pk)
    statuses = dict(
        Enrollment.objects.filter(session=session).values_list("customer__email", "status")
    )
    assert statuses[AMY] == EnrollmentStatus.CANCELLED
    assert statuses[BEN] == EnrollmentStatus.BOOKED
    assert session.taken == 2


@pytest.fixture
def owner_signed_out(alpha_tx: Tenant) -> Iterator[Tenant]:
    """Removes the owner's browser sessions afterwards (they live on public)."""
    yield alpha_tx
    connection.set_tenant(alpha_tx)
    owner = User.objects.get(email="owner@alpha.test")
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(owner.pk):
            session.delete()


def test_owner_schedules_a_weekly_series_and_sees_it_in_the_week(
    uvicorn_server: LiveServer, owner_signed_out: Tenant
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    bea = StaffMemberFactory(display_name="Bea Moss")
    class_type_make(name="Mat Pilates", capacity=10, default_instructor=bea, color="#0ea5e9")
    first = _monday(2) + timedelta(days=1)  # a Tuesday two weeks ahead

    with chromium_page(**DESKTOP) as page:
        page.goto(uvicorn_server.studio_url("alpha", "/accounts/login/?next=/app/classes/"))
        page.fill("#id_email", "owner@alpha.test")
        page.fill("#id_password", TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(uvicorn_server.studio_url("alpha", "/app/classes/"))
        page.get_by_role("link", name="+ Schedule a class").first.click()
        page.get_by_label("Class", exact=True).select_option(label="Mat Pilates")
        page.get_by_label("Date", exact=True).fill(first.isoformat())
        page.get_by_label("Start time").fill("07:30")
        page.get_by_label("Every week").check()
        page.get_by_label("After a number of sessions").check()
        page.get_by_role("spinbutton", name="Number of sessions").fill("3")
        page.screenshot(path=str(SHOTS / "10_schedule_form.png"), full_page=True)
        page.get_by_role("button", name="Schedule").click()
        page.get_by_text("3 weekly sessions of “Mat Pilates” were scheduled.").wait_for()
        first_week = page.locator(f'[data-day="{first.isoformat()}"]').inner_text()
        page.screenshot(path=str(SHOTS / "11_week_view.png"), full_page=True)
        page.get_by_role("link", name="Next week →").click()
        page.wait_for_url(re.compile(r".*week=.*"))
        next_week = page.locator(
            f'[data-day="{(first + timedelta(days=7)).isoformat()}"]'
        ).inner_text()
        page.locator(".session-card").first.click()
        page.get_by_role("heading", name="Mat Pilates").wait_for()
        page.screenshot(path=str(SHOTS / "12_session_detail.png"), full_page=True)

    assert "07:30–08:30" in first_week and "Mat Pilates" in first_week and "0/10" in first_week
    assert "07:30–08:30" in next_week and "Bea Moss" in next_week
    starts = [
        s.astimezone(LONDON)
        for s in ClassSession.objects.order_by("start").values_list("start", flat=True)
    ]
    assert [(s.date(), s.strftime("%H:%M")) for s in starts] == [
        (first + timedelta(weeks=n), "07:30") for n in range(3)
    ]


@pytest.fixture
def busy_class(owner_signed_out: Tenant) -> dict[str, Any]:
    """A full class with someone offered a spot and two waiting, for the screens."""
    from tenant_apps.classes.models import ClassSettings, WaitlistMode
    from tenant_apps.classes.services import enrollment_cancel
    from tenant_apps.classes.tokens import offer_claim_path

    ClassSettings.objects.create(waitlist_mode=WaitlistMode.OFFER)
    cy = StaffMemberFactory(display_name="Cy Rowe")
    flow = class_type_make(
        name="Reformer Flow", capacity=3, default_instructor=cy, color="#7c3aed", level="advanced"
    )
    session = session_make(
        class_type=flow, start=datetime.combine(_monday(1), time(18), LONDON), capacity=3
    )
    desk = Actor(label="Desk")
    people = [
        CustomerFactory(full_name=name, email=f"{name.split()[0].lower()}.screens@example.test")
        for name in ("Ada King", "Bo Chen", "Cal Ortiz", "Dee Park", "Eli Ray", "Fay Moss")
    ]
    booked = [
        enrollment_book(
            session=session,
            customer=person,
            payment=EnrollmentPayment.AT_STUDIO,
            source=EnrollmentSource.PUBLIC_PAGE,
            actor=desk,
            now=timezone.now(),
        )
        for person in people
    ]
    enrollment_cancel(enrollment=booked[0], actor=desk, now=timezone.now())  # Dee is offered
    offered = Enrollment.objects.get(pk=booked[3].pk)
    return {"session": session, "flow": flow, "claim": offer_claim_path(offered)}


def test_class_screens_fit_desktop_and_phone(
    uvicorn_server: LiveServer, busy_class: dict[str, Any]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    session, flow = busy_class["session"], busy_class["flow"]
    owner_screens = {
        "week": f"/app/classes/?week={_monday(1).isoformat()}",
        "types": "/app/classes/types/",
        "type_edit": f"/app/classes/types/{flow.pk}/",
        "schedule": "/app/classes/sessions/new/",
        "roster": f"/app/classes/sessions/{session.pk}/?q=screens",
        "edit": f"/app/classes/sessions/{session.pk}/edit/",
        "cancel": f"/app/classes/sessions/{session.pk}/cancel/",
        "settings": "/app/classes/settings/",
    }
    public_screens = {
        "public_schedule": f"/classes/?week={_monday(1).isoformat()}",
        "public_claim": busy_class["claim"],
        "public_claim_invalid": "/classes/claim/nonsense/",
    }
    overflow: dict[str, int] = {}
    for size, options in (("desktop", DESKTOP), ("phone", PHONE)):
        with chromium_page(**options) as page:
            for name, path in public_screens.items():
                page.goto(uvicorn_server.studio_url("alpha", path))
                assert page.locator("h1").first.is_visible()
                overflow[f"{name}/{size}"] = int(
                    page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                )
                page.screenshot(path=str(SHOTS / f"{name}_{size}.png"), full_page=True)
            page.goto(uvicorn_server.studio_url("alpha", "/accounts/login/?next=/app/classes/"))
            page.fill("#id_email", "owner@alpha.test")
            page.fill("#id_password", TEST_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(uvicorn_server.studio_url("alpha", "/app/classes/"))
            for name, path in owner_screens.items():
                page.goto(uvicorn_server.studio_url("alpha", path))
                assert page.locator("h1").first.is_visible()
                overflow[f"{name}/{size}"] = int(
                    page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                )
                page.screenshot(path=str(SHOTS / f"{name}_{size}.png"), full_page=True)
    assert {key: value for key, value in overflow.items() if value > 0} == {}
