"""The studio's home page ("/" on its host) for visitors."""

from __future__ import annotations

import html
import re
import sys
import types
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from tenant_apps.booking.selectors import REVIEWS_MODULE
from tenant_apps.catalog.models import BookingPage


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_visitors_see_services_by_category_staff_and_book_buttons(studio, web):
    BookingPage.objects.filter(slug="book").update(intro="Calm rooms, kind hands.")

    response = web.get("/")

    assert response.status_code == 200
    content = text(response)
    assert "<h1>Alpha Pilates</h1>" in content
    assert "Calm rooms, kind hands." in content
    # The default page offers every bookable service: grouped by category, priced in GBP.
    categories = re.findall(r'<h3 class="service-category">([^<]+)</h3>', content)
    assert categories == ["Body", "Face"]
    assert re.findall(r'data-service="(\d+)"', content) == [
        str(studio["massage"].pk),
        str(studio["facial"].pk),
    ]
    massage = content.split(f'data-service="{studio["massage"].pk}"', 1)[1].split("</li>", 1)[0]
    assert "1 h" in massage and "£50" in massage
    facial = content.split(f'data-service="{studio["facial"].pk}"', 1)[1].split("</li>", 1)[0]
    assert "45 min" in facial and "£30" in facial and "Needs approval" in facial
    assert f'href="/book/book/staff/?service={studio["massage"].pk}"' in content
    assert "Retired" not in content
    # Staff: initials avatar without a photo, bio, and a button to book with them.
    assert re.findall(r'data-staff="(\d+)"', content) == [
        str(studio["ann"].pk),
        str(studio["ben"].pk),
    ]
    assert ">AA</span>" in content and ">BB</span>" in content
    assert "Sports massage for runners." in content
    assert f'href="/book/book/?staff={studio["ann"].pk}">Book with Ann Archer</a>' in content
    assert 'href="/book/book/" data-cta="book"' in content
    assert 'id="reviews"' not in content  # no reviews yet


def test_without_an_active_booking_page_the_home_page_says_booking_is_closed(studio, web):
    BookingPage.objects.update(is_active=False)

    response = web.get("/")

    content = text(response)
    assert response.status_code == 200
    assert "Online booking isn't open yet." in content
    assert "/book/" not in content
    assert "Massage" in content  # services are still listed


@dataclass(frozen=True)
class _Summary:
    average: Decimal | None
    count: int


@dataclass(frozen=True)
class _Review:
    rating: int
    comment: str
    customer_first_name: str
    created_at: datetime


@pytest.fixture
def reviews(monkeypatch, studio):  # type: ignore[no-untyped-def]
    """Reviews as the reviews app's selectors hand them out (its documented interface)."""
    calls: list[tuple[int, int | None]] = []
    module = types.ModuleType(REVIEWS_MODULE)

    def review_list_published(*, limit: int, staff_id: int | None = None) -> list[_Review]:
        calls.append((limit, staff_id))
        when = datetime(2026, 11, 1, 12, tzinfo=UTC)
        if staff_id == studio["ann"].pk:
            return [_Review(5, "Ann fixed my shoulder.", "Jo", when)]
        return [_Review(5, "Lovely studio.", "Sam", when), _Review(4, "", "Kim", when)][:limit]

    module.review_summary_get = lambda: _Summary(Decimal("4.67"), 3)  # type: ignore[attr-defined]
    module.staff_review_summaries = lambda: {studio["ann"].pk: _Summary(Decimal("5"), 1)}  # type: ignore[attr-defined]
    module.review_list_published = review_list_published  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, REVIEWS_MODULE, module)
    return calls


def test_the_reviews_summary_shows_overall_and_per_staff_member(reviews, web, studio):
    content = text(web.get("/"))

    assert reviews == [(3, None), (2, studio["ann"].pk)]
    section = content.split('id="reviews"', 1)[1]
    assert '<span class="reviews-average">4.7</span>' in section
    assert "3 reviews" in section
    assert "Lovely studio." in section and ">Sam<" in section and ">Kim<" in section
    ann = content.split(f'data-staff="{studio["ann"].pk}"', 1)[1].split("</li>\n", 1)[0]
    assert "<strong>5.0</strong>" in ann and "Ann fixed my shoulder." in ann
    ben = content.split(f'data-staff="{studio["ben"].pk}"', 1)[1].split("Book with", 1)[0]
    assert "review" not in ben.lower()


def test_members_still_go_to_their_app(web, alpha_owner, studio):
    web.force_login(alpha_owner)

    response = web.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/app/"
