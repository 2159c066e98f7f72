from __future__ import annotations

import pytest

from tenant_apps.catalog.models import BookingPage
from tests.factories.catalog import ServiceFactory, StaffMemberFactory
from tests.tenant_apps.catalog.api_support import problem, send, studio_rows

URL = "/api/v1/booking-pages/"
QUESTIONS = [
    {"id": "goals", "label": " What are your goals? ", "type": "text", "required": True},
    {"id": "level", "label": "Your level", "type": "choice", "choices": ["Beginner", "Advanced"]},
    {"id": "waiver", "label": "I accept the waiver", "type": "checkbox", "required": True},
]


def test_provisioning_made_a_default_page(owner_client):
    response = owner_client.get(URL)

    assert response.status_code == 200
    assert [page["slug"] for page in response.json()["results"]] == ["book"]


def test_create_a_page_with_services_staff_and_questions(owner_client):
    service, staff = ServiceFactory(), StaffMemberFactory()

    response = send(
        owner_client,
        "post",
        URL,
        {
            "slug": "reformer",
            "title": "Reformer sessions",
            "intro": "One to one.",
            "services": [service.pk],
            "staff": [staff.pk],
            "questions": QUESTIONS,
            "policy_text": "24 hours notice.",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    page = BookingPage.objects.get(slug="reformer")
    assert body["id"] == page.pk
    assert body["services"] == [service.pk]
    assert body["staff"] == [staff.pk]
    assert body["is_active"] is True
    # Stored normalised: labels trimmed, required spelled out, choices only on choice questions.
    assert body["questions"] == [
        {"id": "goals", "label": "What are your goals?", "type": "text", "required": True},
        {
            "id": "level",
            "label": "Your level",
            "type": "choice",
            "required": False,
            "choices": ["Beginner", "Advanced"],
        },
        {"id": "waiver", "label": "I accept the waiver", "type": "checkbox", "required": True},
    ]
    assert page.questions == body["questions"]


def test_question_problems_are_precise_and_nothing_is_written(owner_client):
    before = studio_rows()

    response = send(
        owner_client,
        "post",
        URL,
        {
            "slug": "intro",
            "title": "Intro",
            "questions": [
                QUESTIONS[0],
                {"id": "goals", "label": "Level", "type": "choice", "choices": []},
            ],
        },
    )

    assert problem(response, 422, "validation_error")["errors"] == {
        "questions.1.id": ['Another question on this page already uses the id "goals".'],
        "questions.1.choices": ["List the options customers choose from (at least one)."],
    }
    assert studio_rows() == before


def test_a_taken_slug_is_a_conflict_on_the_field(owner_client):
    before = studio_rows()

    response = send(owner_client, "post", URL, {"slug": "book", "title": "Again"})

    body = problem(response, 409, "booking_page_slug_taken")
    assert body["errors"] == {
        "slug": ["Another booking page already uses this address. Choose another."]
    }
    assert studio_rows() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"slug": "Not a slug!"},
            {
                "slug": [
                    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
                ]
            },
        ),
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        ({"services": [777777]}, {"services": ["No service with id 777777 in this studio."]}),
        ({"staff": [777777]}, {"staff": ["No staff member with id 777777 in this studio."]}),
        ({"questions": {"id": "x"}}, {"questions": ["Send the questions as a list."]}),
    ],
)
def test_invalid_pages_are_refused(owner_client, changes, errors):
    before = studio_rows()

    response = send(owner_client, "post", URL, {"slug": "intro", "title": "Intro", **changes})

    assert problem(response, 422, "validation_error")["errors"] == errors
    assert studio_rows() == before


def test_update_filter_and_delete(owner_client):
    service = ServiceFactory()
    page = BookingPage.objects.create(slug="classes", title="Classes", is_active=False)

    patched = send(owner_client, "patch", f"{URL}{page.pk}/", {"services": [service.pk]})
    renamed_to_taken = send(owner_client, "patch", f"{URL}{page.pk}/", {"slug": "book"})
    inactive = owner_client.get(URL, {"active": "false"})
    searched = owner_client.get(URL, {"search": "CLASS", "ordering": "-title"})
    deleted = owner_client.delete(f"{URL}{page.pk}/")

    assert patched.status_code == 200
    assert patched.json()["services"] == [service.pk]
    problem(renamed_to_taken, 409, "booking_page_slug_taken")
    assert [p["slug"] for p in inactive.json()["results"]] == ["classes"]
    assert [p["slug"] for p in searched.json()["results"]] == ["classes"]
    assert deleted.status_code == 204
    assert list(BookingPage.objects.values_list("slug", flat=True)) == ["book"]
    problem(owner_client.get(f"{URL}{page.pk}/"), 404, "not_found")


def test_put_keeps_the_same_slug(owner_client):
    page = BookingPage.objects.get(slug="book")

    response = send(owner_client, "put", f"{URL}{page.pk}/", {"slug": "book", "title": "Book now"})

    assert response.status_code == 200
    assert response.json()["title"] == "Book now"
