"""The portal's classes page: upcoming enrollments with what cancelling would mean, waitlist
positions, and cancelling (only the signed-in customer's own)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.classes.models import (
    ClassSettings,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tenant_apps.classes.services import enrollment_book
from tenant_apps.packages.models import CreditEntry, CreditEntryKind
from tenant_apps.scheduling.services import Actor
from tests.factories.catalog import CustomerFactory, StaffMemberFactory
from tests.factories.classes import class_type_make, session_make
from tests.factories.packages import package_give, product_covering
from tests.tenant_apps.classes.pages_support import (
    at,
    call,
    client_as,
    html,
    next_monday,
    portal_client,
)

DESK = Actor(label="Desk")


@pytest.fixture
def flow(in_alpha):  # type: ignore[no-untyped-def]
    ann = StaffMemberFactory(display_name="Ann Lee")
    return class_type_make(name="Reformer Flow", capacity=1, default_instructor=ann, credits=2)


@pytest.fixture
def rae(in_alpha):  # type: ignore[no-untyped-def]
    return CustomerFactory(full_name="Rae Portal", email="rae@example.test")


def _book(session, customer, payment=EnrollmentPayment.AT_STUDIO):  # type: ignore[no-untyped-def]
    return enrollment_book(
        session=session,
        customer=customer,
        payment=payment,
        source=EnrollmentSource.PUBLIC_PAGE,
        actor=DESK,
        now=timezone.now(),
    )


def test_signed_out_visitors_go_to_the_portal_sign_in(in_alpha):
    response = call(client_as(in_alpha, None), "get", "/portal/classes/")

    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_lists_booked_classes_with_cancel_terms_and_waitlist_positions(in_alpha, flow, rae):
    monday = next_monday()
    booked_session = session_make(class_type=flow, start=at(monday, 9))
    full_session = session_make(class_type=flow, start=at(monday, 18))
    mine = _book(booked_session, rae)
    _book(full_session, CustomerFactory())
    _book(full_session, CustomerFactory())
    waiting = _book(full_session, rae)
    _book(session_make(class_type=flow, start=at(monday, 12)), CustomerFactory())  # not hers

    page = html(call(portal_client(in_alpha, rae), "get", "/portal/classes/"))

    booked = page[page.index('id="booked-title"') : page.index('id="waiting-title"')]
    waitlist = page[page.index('id="waiting-title"') :]
    assert f'data-enrollment="{mine.reference}"' in booked
    assert "Free to cancel until" in booked and "Cancel my place" in booked
    assert f'data-enrollment="{waiting.reference}"' in waitlist
    assert "Waitlist no. 2" in waitlist and "Leave the waitlist" in waitlist
    assert page.count("data-enrollment=") == 2
    assert 'href="/portal/classes/" aria-current="page"' in page


def test_cancel_in_time_returns_the_credits(in_alpha, flow, rae):
    package = package_give(
        customer=rae,
        product=product_covering(class_types=[flow], credits=5),
        purchased_at=timezone.now() - timedelta(days=1),
    )
    session = session_make(class_type=flow, start=at(next_monday(2), 9))
    mine = _book(session, rae, payment=EnrollmentPayment.CREDITS)
    portal = portal_client(in_alpha, rae)

    listed = html(call(portal, "get", "/portal/classes/"))
    response = call(portal, "post", f"/portal/classes/{mine.reference}/cancel/")
    after = html(call(portal, "get", "/portal/classes/"))

    mine.refresh_from_db()
    package.refresh_from_db()
    assert "your 2 credits go back to your package" in listed
    assert response.status_code == 302
    assert (mine.status, mine.late_cancel) == (EnrollmentStatus.CANCELLED, False)
    assert "Your place in Reformer Flow is cancelled. 2 credits went back to your package." in after
    assert CreditEntry.objects.filter(package=package, kind=CreditEntryKind.REFUND).count() == 1


def test_a_late_cancel_says_beforehand_that_the_credits_are_kept(in_alpha, flow, rae):
    ClassSettings.objects.create(late_cancel_hours=12, late_cancel_forfeits_credit=True)
    package_give(
        customer=rae,
        product=product_covering(class_types=[flow], credits=5),
        purchased_at=timezone.now() - timedelta(days=1),
    )
    session = session_make(class_type=flow, start=timezone.now() + timedelta(hours=3))
    mine = _book(session, rae, payment=EnrollmentPayment.CREDITS)
    portal = portal_client(in_alpha, rae)

    listed = html(call(portal, "get", "/portal/classes/"))
    call(portal, "post", f"/portal/classes/{mine.reference}/cancel/")
    after = html(call(portal, "get", "/portal/classes/"))

    mine.refresh_from_db()
    assert "Cancelling now is late (less than 12 hours before the start)." in listed
    assert "The 2 credits you used are not returned." in listed
    assert (mine.status, mine.late_cancel) == (EnrollmentStatus.CANCELLED, True)
    assert "It was a late cancellation, so the 2 credits used can&#x27;t be returned." in after
    assert not CreditEntry.objects.filter(kind=CreditEntryKind.REFUND).exists()


def test_leaving_the_waitlist(in_alpha, flow, rae):
    session = session_make(class_type=flow, start=at(next_monday(), 9))
    _book(session, CustomerFactory())
    waiting = _book(session, rae)

    call(portal_client(in_alpha, rae), "post", f"/portal/classes/{waiting.reference}/cancel/")

    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.CANCELLED


def test_another_customers_reference_changes_nothing(in_alpha, flow, rae):
    session = session_make(class_type=flow, start=at(next_monday(), 9))
    theirs = _book(session, CustomerFactory(email="sol@example.test"))
    portal = portal_client(in_alpha, rae)

    response = call(portal, "post", f"/portal/classes/{theirs.reference}/cancel/")
    page = html(call(portal, "get", "/portal/classes/"))

    theirs.refresh_from_db()
    assert response.status_code == 302
    assert theirs.status == EnrollmentStatus.BOOKED
    assert "We couldn&#x27;t find that class booking." in page
    assert Enrollment.objects.filter(status=EnrollmentStatus.CANCELLED).count() == 0
