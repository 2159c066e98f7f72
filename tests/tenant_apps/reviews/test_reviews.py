"""Reviews: the customer's form behind a signed link, the rules (completed only, once, 1-5),
what the studio's pages get from the selectors, and owners' hide/unhide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.reviews.errors import AlreadyReviewedError, NotReviewableError
from tenant_apps.reviews.links import review_link_path
from tenant_apps.reviews.models import Review, ReviewModeration, display_name
from tenant_apps.reviews.selectors import (
    ReviewSummary,
    review_list_published,
    review_summary_get,
    staff_review_summaries,
)
from tenant_apps.reviews.services import review_create, review_hide
from tenants.models import Role, Tenant
from tests.conftest import TEST_PASSWORD
from tests.factories.catalog import StaffMemberFactory, weekly_hours_set
from tests.tenant_apps.catalog.api_support import member
from tests.tenant_apps.portal.support import Studio, at, book, completed, day_ahead


def test_review_form_creates_one_review(studio: Studio, client: TenantClient) -> None:
    appointment = completed(studio, at(day_ahead(-2), 10))
    path = review_link_path(appointment)
    form = client.get(path)
    assert form.status_code == 200
    page = form.content.decode()
    assert 'type="radio" name="rating" value="5"' in page
    assert "<legend>Your rating</legend>" in page
    # when Pat rates 4 with a comment
    response = client.post(path, {"rating": "4", "comment": "  Great hands  "})
    # then one review exists, copied from the appointment
    assert response.status_code == 200
    assert "Thank you for your review" in response.content.decode()
    review = Review.objects.get()
    assert (review.appointment_id, review.customer_id, review.staff_id, review.service_id) == (
        appointment.pk,
        studio.pat.pk,
        studio.ann.pk,
        studio.massage.pk,
    )
    assert (review.rating, review.comment, review.is_hidden) == (4, "Great hands", False)
    # and a second submission is told it was already reviewed, with nothing written
    again = client.post(path, {"rating": "1", "comment": "changed my mind"})
    assert again.status_code == 409
    assert "You have already reviewed this visit" in again.content.decode()
    assert client.get(path).status_code == 200
    assert Review.objects.count() == 1
    assert Review.objects.get().rating == 4


@pytest.mark.parametrize("rating", ["0", "6", "", "five", "-1"])
def test_rating_out_of_bounds_is_a_form_error(
    studio: Studio, client: TenantClient, rating: str
) -> None:
    path = review_link_path(completed(studio, at(day_ahead(-2), 10)))
    response = client.post(path, {"rating": rating})
    assert response.status_code == 422
    assert "Choose a rating from 1 to 5 stars." in response.content.decode()
    assert Review.objects.count() == 0


def test_comment_too_long_is_a_form_error(studio: Studio, client: TenantClient) -> None:
    path = review_link_path(completed(studio, at(day_ahead(-2), 10)))
    response = client.post(path, {"rating": "5", "comment": "x" * 2001})
    assert response.status_code == 422
    assert Review.objects.count() == 0


def test_only_completed_appointments_can_be_reviewed(studio: Studio, client: TenantClient) -> None:
    upcoming = book(studio, at(day_ahead(3), 10))
    path = review_link_path(upcoming)
    page = client.get(path)
    assert page.status_code == 409
    assert "once it has taken place" in page.content.decode()
    assert client.post(path, {"rating": "5"}).status_code == 409
    with pytest.raises(NotReviewableError):
        review_create(appointment=upcoming, rating=5)
    assert Review.objects.count() == 0


def test_service_rules(studio: Studio) -> None:
    appointment = completed(studio, at(day_ahead(-2), 10))
    with pytest.raises(ValidationFailedError) as error:
        review_create(appointment=appointment, rating=6)
    assert error.value.errors == {"rating": ["Choose a rating from 1 to 5 stars."]}
    with pytest.raises(ValidationFailedError):
        review_create(appointment=appointment, rating=True)
    review_create(appointment=appointment, rating=5)
    with pytest.raises(AlreadyReviewedError):
        review_create(appointment=appointment, rating=3)
    assert Review.objects.count() == 1


def test_database_enforces_rating_bounds_and_one_per_appointment(studio: Studio) -> None:
    appointment = completed(studio, at(day_ahead(-2), 10))
    fields = {
        "appointment": appointment,
        "customer": studio.pat,
        "staff": studio.ann,
        "service": studio.massage,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(rating=0, **fields)
    Review.objects.create(rating=5, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(rating=4, **fields)


def test_forged_review_link(studio: Studio, client: TenantClient) -> None:
    response = client.post("/reviews/forged/", {"rating": "5"})
    assert response.status_code == 400
    assert Review.objects.count() == 0


def test_display_name() -> None:
    assert display_name("Anna Karenina") == "Anna K."
    assert display_name("anna maria von karenina") == "anna K."
    assert display_name("Cher") == "Cher"
    assert display_name("  ") == "A customer"


def _reviews(studio: Studio, ratings: list[int]) -> list[Review]:
    return [
        review_create(appointment=completed(studio, at(day_ahead(-(n + 1)), 10)), rating=rating)
        for n, rating in enumerate(ratings)
    ]


def test_summaries_count_published_reviews_only(studio: Studio, alpha_owner) -> None:
    # given Ann's reviews 5, 4, 4 and a hidden 1, and Ben's 2
    ben = StaffMemberFactory(display_name="Ben")
    weekly_hours_set(ben)
    studio.massage.staff.add(ben)
    reviews = _reviews(studio, [5, 4, 4, 1])
    review_hide(review=reviews[3], acting_user=alpha_owner, now=timezone.now())
    bens = Studio(ann=ben, massage=studio.massage, pat=studio.sam, sam=studio.pat)
    review_create(appointment=completed(bens, at(day_ahead(-9), 12)), rating=2)
    # then
    assert review_summary_get() == ReviewSummary(average=Decimal("3.8"), count=4)
    assert staff_review_summaries() == {
        studio.ann.pk: ReviewSummary(average=Decimal("4.3"), count=3),
        ben.pk: ReviewSummary(average=Decimal("2.0"), count=1),
    }
    published = review_list_published(limit=10, staff_id=studio.ann.pk)
    assert [r.pk for r in published] == [reviews[2].pk, reviews[1].pk, reviews[0].pk]
    assert [r.customer_display_name for r in published] == ["Pat D."] * 3
    assert len(review_list_published(limit=2)) == 2


def test_empty_summary(in_alpha: Tenant) -> None:
    assert review_summary_get() == ReviewSummary(average=None, count=0)
    assert staff_review_summaries() == {}
    assert review_list_published(limit=5) == []


def test_staff_summaries_take_one_query(studio: Studio, django_assert_num_queries) -> None:
    _reviews(studio, [5, 3])
    with django_assert_num_queries(1):
        staff_review_summaries()


# --- owner side -----------------------------------------------------------------------------


def _owner_client(alpha: Tenant, email: str) -> TenantClient:
    web = TenantClient(alpha)
    assert web.login(email=email, password=TEST_PASSWORD)
    return web


def test_owner_lists_and_hides_and_unhides(studio: Studio, alpha: Tenant) -> None:
    (review,) = _reviews(studio, [2])
    manager = member(alpha, Role.MANAGER)
    web = _owner_client(alpha, manager.email)
    page = web.get("/app/reviews/")
    assert page.status_code == 200
    assert "Pat D." in page.content.decode()
    # when the manager hides it
    response = web.post(f"/app/reviews/{review.pk}/hide/", {"next": "/app/reviews/?rating=2"})
    assert (response.status_code, response["Location"]) == (302, "/app/reviews/?rating=2")
    review.refresh_from_db()
    assert (review.is_hidden, review.hidden_by_id) == (True, manager.pk)
    assert review.hidden_at is not None
    assert review_summary_get() == ReviewSummary(average=None, count=0)
    # and shows it again
    web.post(f"/app/reviews/{review.pk}/unhide/")
    review.refresh_from_db()
    assert (review.is_hidden, review.hidden_by_id, review.hidden_at) == (False, None, None)
    assert list(ReviewModeration.objects.values_list("action", "actor_id")) == [
        ("hide", manager.pk),
        ("unhide", manager.pk),
    ]
    # the rating and comment were never touched
    assert (review.rating, review.comment) == (2, "")


def test_filters(studio: Studio, alpha: Tenant, alpha_owner) -> None:
    reviews = _reviews(studio, [5, 2])
    review_hide(review=reviews[1], acting_user=alpha_owner, now=timezone.now())
    web = _owner_client(alpha, alpha_owner.email)
    hidden = web.get("/app/reviews/?visibility=hidden").content.decode()
    assert hidden.count('class="review-hidden"') == 1
    five = web.get("/app/reviews/?rating=5").content.decode()
    assert five.count("<tr") == 2  # header and one review
    assert web.get("/app/reviews/?rating=x&staff=abc&page=99").status_code == 200


def test_staff_role_cannot_see_or_hide(studio: Studio, alpha: Tenant) -> None:
    (review,) = _reviews(studio, [2])
    staff = member(alpha, Role.STAFF)
    web = _owner_client(alpha, staff.email)
    assert web.get("/app/reviews/").status_code == 404
    assert web.post(f"/app/reviews/{review.pk}/hide/").status_code == 404
    review.refresh_from_db()
    assert review.is_hidden is False
    assert ReviewModeration.objects.count() == 0


def test_anonymous_and_other_studio(studio: Studio, alpha: Tenant, beta: Tenant) -> None:
    (review,) = _reviews(studio, [2])
    anonymous = TenantClient(alpha)
    assert anonymous.post(f"/app/reviews/{review.pk}/hide/").status_code == 302
    connection.set_schema_to_public()
    beta_owner_client = TenantClient(beta)
    assert beta_owner_client.login(email="owner@beta.test", password=TEST_PASSWORD)
    assert beta_owner_client.post(f"/app/reviews/{review.pk}/hide/").status_code == 404
    connection.set_tenant(alpha)
    review.refresh_from_db()
    assert review.is_hidden is False


def test_studio_has_no_way_to_edit_a_review(studio: Studio, alpha: Tenant, alpha_owner) -> None:
    (review,) = _reviews(studio, [2])
    web = _owner_client(alpha, alpha_owner.email)
    for path in (f"/app/reviews/{review.pk}/", f"/app/reviews/{review.pk}/edit/"):
        assert web.post(path, {"rating": "5", "comment": "Best studio"}).status_code == 404
    assert web.post(f"/app/reviews/{review.pk}/hide/", {"rating": "5"}).status_code == 302
    review.refresh_from_db()
    assert (review.rating, review.comment) == (2, "")


def test_demo_seed_is_repeatable(studio: Studio) -> None:
    from tenant_apps.reviews.demo import reviews_demo_seed

    for n in range(6):
        completed(studio, at(day_ahead(-(n + 1)), 11))
    added = reviews_demo_seed()
    assert added == Review.objects.count()
    assert 0 < added <= 6
    assert reviews_demo_seed() == 0
