"""Merging duplicate customers: the service (everything moves, the duplicate goes, conflicts
write nothing) and the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import CustomerMergeConflictError, customer_merge
from tenant_apps.portal.models import SignInLink
from tenant_apps.reviews.models import Review
from tenant_apps.scheduling.models import Appointment, AppointmentActivity, AppointmentStatus
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.tenant_apps.customers.support import booking

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.fixture
def studio(in_alpha):  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(display_name="Anna")
    weekly_hours_set(staff)
    return staff, ServiceFactory(name="Reformer", performers=[staff])


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "customers": list(Customer.objects.order_by("pk").values_list()),
        "appointments": list(Appointment.objects.order_by("pk").values_list()),
        "reviews": list(Review.objects.order_by("pk").values_list()),
        "activity": list(AppointmentActivity.objects.order_by("pk").values_list()),
    }


def test_merge_moves_everything_to_the_survivor_and_deletes_the_duplicate(studio, alpha_owner):
    staff, service = studio
    keep = CustomerFactory(
        full_name="Jane Doe",
        email="jane@home.test",
        phone="",
        notes="Knee injury.",
        tags=["VIP"],
        marketing_consent=True,
    )
    dup = CustomerFactory(
        full_name="Jane D.",
        email="jane@work.test",
        phone="+44 20 7946 0001",
        notes="Prefers mornings.",
        tags=["vip", "prenatal"],
        marketing_consent=False,
        reminders_enabled=False,
    )
    start = timezone.now() - timedelta(days=3)
    done = booking(service, staff, dup, start, AppointmentStatus.COMPLETED)
    upcoming = booking(service, staff, dup, timezone.now() + timedelta(days=3))
    own = booking(service, staff, keep, timezone.now() + timedelta(days=5))
    review = Review.objects.create(
        appointment=done, customer=dup, staff=staff, service=service, rating=5
    )
    link = SignInLink.objects.create(
        nonce="n1", customer=dup, created_at=NOW, expires_at=NOW + timedelta(hours=1)
    )

    result = customer_merge(survivor=keep, duplicate=dup, acting_user=alpha_owner, now=NOW)

    assert not Customer.objects.filter(pk=dup.pk).exists()
    assert set(Appointment.objects.filter(customer=keep).values_list("pk", flat=True)) == {
        done.pk,
        upcoming.pk,
        own.pk,
    }
    review.refresh_from_db()
    link.refresh_from_db()
    assert (review.customer_id, link.customer_id) == (keep.pk, keep.pk)
    assert result.moved == {"appointments": 2, "reviews": 1, "sign in links": 1}
    keep.refresh_from_db()
    assert keep.full_name == "Jane Doe"
    assert keep.email == "jane@home.test"
    assert keep.marketing_consent is True  # consent belongs to the kept address
    assert keep.phone == "+44 20 7946 0001"  # the empty phone was filled in
    assert keep.tags == ["VIP", "prenatal"]
    assert keep.reminders_enabled is False  # an opt-out wins
    assert keep.notes == (
        "Knee injury.\n\nMerged on 2026-11-20 with the duplicate record Jane D. "
        "(jane@work.test, +44 20 7946 0001). Its notes:\nPrefers mornings."
    )
    activity = AppointmentActivity.objects.filter(action="customer_merged").order_by(
        "appointment_id"
    )
    assert [(a.appointment_id, a.before["customer"], a.after["customer"]) for a in activity] == [
        (done.pk, dup.pk, keep.pk),
        (upcoming.pk, dup.pk, keep.pk),
    ]
    assert {a.actor_label for a in activity} == {"Alpha Owner"}


def test_merging_a_customer_into_itself_is_refused(studio):
    jane = CustomerFactory()
    before = _snapshot()

    with pytest.raises(ValidationFailedError) as caught:
        customer_merge(survivor=jane, duplicate=jane, acting_user=None, now=NOW)

    assert caught.value.errors == {"duplicate": ["Choose another customer than the one you keep."]}
    assert _snapshot() == before


def test_too_many_tags_together_is_refused_and_nothing_changes(studio):
    staff, service = studio
    keep = CustomerFactory(tags=[f"a{i}" for i in range(12)])
    dup = CustomerFactory(tags=[f"b{i}" for i in range(12)])
    booking(service, staff, dup, timezone.now() + timedelta(days=1))
    before = _snapshot()

    with pytest.raises(ValidationFailedError) as caught:
        customer_merge(survivor=keep, duplicate=dup, acting_user=None, now=NOW)

    assert caught.value.errors["tags"] == [
        "Together they have 24 different tags; a customer can have at most 20. "
        "Remove some tags first."
    ]
    assert _snapshot() == before


def test_a_duplicate_deleted_meanwhile_is_a_conflict(studio):
    keep, dup = CustomerFactory(), CustomerFactory()
    Customer.objects.filter(pk=dup.pk).delete()  # another owner merged it a moment ago
    before = _snapshot()

    with pytest.raises(CustomerMergeConflictError) as caught:
        customer_merge(survivor=keep, duplicate=dup, acting_user=None, now=NOW)

    assert caught.value.status == 409
    assert "merged or deleted meanwhile" in caught.value.detail
    assert _snapshot() == before


def test_merge_with_overlapping_bookings_keeps_both(studio):
    """Two records of one person may have bookings at the same time with different staff: the
    merge moves both (it is not a booking rule to enforce here)."""
    staff, service = studio
    other_staff = StaffMemberFactory()
    weekly_hours_set(other_staff)
    service.staff.add(other_staff)
    keep, dup = CustomerFactory(), CustomerFactory()
    start = timezone.now() + timedelta(days=2)
    booking(service, staff, keep, start)
    booking(service, other_staff, dup, start)

    customer_merge(survivor=keep, duplicate=dup, acting_user=None, now=NOW)

    assert Appointment.objects.filter(customer=keep).count() == 2


# --- the screen --------------------------------------------------------------------------------


def test_merge_page_suggests_likely_duplicates(owner_client):
    jane = CustomerFactory(full_name="Jane Doe", email="jane@home.test", phone="+44 1")
    same_name = CustomerFactory(full_name="jane doe", email="jd@x.test")
    same_phone = CustomerFactory(full_name="J.", email="j@y.test", phone="+44 1")
    same_mailbox = CustomerFactory(full_name="Janie", email="jane@work.test")
    CustomerFactory(full_name="Someone Else", email="else@z.test")

    response = owner_client.get(f"/app/customers/{jane.pk}/merge/")

    assert response.status_code == 200
    assert {c.pk for c in response.context["candidates"]} == {
        same_name.pk,
        same_phone.pk,
        same_mailbox.pk,
    }
    searched = owner_client.get(f"/app/customers/{jane.pk}/merge/", {"q": "else@"})
    assert [c.full_name for c in searched.context["candidates"]] == ["Someone Else"]


def test_merge_through_the_screen_keeping_the_other_record(owner_client):
    jane = CustomerFactory(full_name="Jane Doe", email="jane@home.test")
    other = CustomerFactory(full_name="Jane D.", email="jane@work.test")
    compare = owner_client.get(f"/app/customers/{jane.pk}/merge/", {"other": other.pk})
    assert compare.status_code == 200
    assert "jane@work.test" in compare.content.decode()

    response = owner_client.post(
        f"/app/customers/{jane.pk}/merge/", {"other": other.pk, "keep": "other"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/app/customers/{other.pk}/"
    assert list(Customer.objects.values_list("pk", flat=True)) == [other.pk]
    page = owner_client.get(response["Location"])
    assert "Merged: Jane Doe (jane@home.test) is now part of Jane D." in page.content.decode()


def test_merge_screen_shows_a_conflict_and_changes_nothing(owner_client):
    jane = CustomerFactory(tags=[f"a{i}" for i in range(15)])
    other = CustomerFactory(tags=[f"b{i}" for i in range(15)])
    before = _snapshot()

    response = owner_client.post(
        f"/app/customers/{jane.pk}/merge/", {"other": other.pk, "keep": "this"}
    )

    assert response.status_code == 422
    assert "Together they have 30 different tags" in response.content.decode()
    assert _snapshot() == before


def test_merge_screen_without_a_choice_asks_for_one(owner_client):
    jane, other = CustomerFactory(), CustomerFactory()

    response = owner_client.post(f"/app/customers/{jane.pk}/merge/", {"other": other.pk})

    assert response.status_code == 422
    assert response.context["form"].errors == {"keep": ["This field is required."]}
    assert Customer.objects.count() == 2


def test_merge_with_an_unknown_customer_is_not_found(owner_client):
    jane = CustomerFactory()

    response = owner_client.post(
        f"/app/customers/{jane.pk}/merge/", {"other": jane.pk + 999, "keep": "this"}
    )

    assert response.status_code == 404
    assert Customer.objects.count() == 1
