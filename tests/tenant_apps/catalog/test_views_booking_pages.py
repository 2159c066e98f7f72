"""The owner app's booking-page screens: list, create, edit (with the questions editor),
delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tenant_apps.catalog.models import BookingPage
from tests.factories.catalog import ServiceFactory, StaffMemberFactory
from tests.tenant_apps.catalog.api_support import studio_rows
from tests.tenant_apps.catalog.views_support import (
    assert_matrix,
    client_as,
    errors_of,
    people_create,
)

PAGE: dict[str, Any] = {
    "title": "Reformer sessions",
    "slug": "reformer",
    "intro": "Private sessions on the reformer.",
    "policy_text": "Cancel up to 24 hours before.",
    "is_active": "on",
}


def _questions(*rows: dict[str, Any]) -> dict[str, list[str]]:
    """Question rows as the editor posts them (q_required lists the ticked row numbers)."""
    return {
        "q_row": [str(n) for n in range(len(rows))],
        "q_key": [r.get("key", "") for r in rows],
        "q_label": [r.get("label", "") for r in rows],
        "q_type": [r.get("type", "text") for r in rows],
        "q_choices": [r.get("choices", "") for r in rows],
        "q_required": [str(n) for n, r in enumerate(rows) if r.get("required")],
    }


@pytest.fixture
def who(in_alpha, beta):  # type: ignore[no-untyped-def]
    return people_create(in_alpha, beta)


@pytest.fixture
def owner(in_alpha, who):  # type: ignore[no-untyped-def]
    return client_as(in_alpha, who.owner)


def _post(client: Any, path: str, data: dict[str, Any]) -> Any:
    response = client.post(path, data)
    connection.set_tenant(client.tenant)
    return response


def test_list_shows_pages_with_a_preview_link(owner, in_alpha):
    BookingPage.objects.create(slug="mat", title="Mat classes", questions=[])
    BookingPage.objects.create(slug="old", title="Old page", is_active=False)

    html = owner.get("/app/booking-pages/").content.decode()

    assert "Mat classes" in html and 'href="/book/mat/"' in html
    assert "Old page" in html and "Hidden" in html
    assert "All services" in html


def test_owner_creates_a_page_with_questions(owner, in_alpha):
    mat = ServiceFactory(name="Mat")
    anna = StaffMemberFactory(display_name="Anna")

    response = _post(
        owner,
        "/app/booking-pages/new/",
        {
            **PAGE,
            "services": [mat.pk],
            "staff": [anna.pk],
            **_questions(
                {"label": "Any injuries?", "type": "text", "required": True},
                {"label": "Level", "type": "choice", "choices": "Beginner\n Advanced \n\n"},
                {"label": "I accept the policy", "type": "checkbox", "required": True},
                {"label": "", "type": "text"},  # an empty row: ignored
            ),
        },
    )

    assert response.status_code == 302, errors_of(response)
    page = BookingPage.objects.get(slug="reformer")
    assert response["Location"] == f"/app/booking-pages/{page.pk}/"
    assert (page.title, page.slug, page.intro, page.policy_text, page.is_active) == (
        "Reformer sessions",
        "reformer",
        "Private sessions on the reformer.",
        "Cancel up to 24 hours before.",
        True,
    )
    assert list(page.services.all()) == [mat] and list(page.staff.all()) == [anna]
    assert page.questions == [
        {"id": "any-injuries", "label": "Any injuries?", "type": "text", "required": True},
        {
            "id": "level",
            "label": "Level",
            "type": "choice",
            "required": False,
            "choices": ["Beginner", "Advanced"],
        },
        {
            "id": "i-accept-the-policy",
            "label": "I accept the policy",
            "type": "checkbox",
            "required": True,
        },
    ]
    edit = owner.get(f"/app/booking-pages/{page.pk}/").content.decode()
    assert "The booking page “Reformer sessions” was created." in edit
    assert 'value="Any injuries?"' in edit and "Beginner\nAdvanced</textarea>" in edit


def test_editing_keeps_question_keys_and_reorders(owner, in_alpha):
    page = BookingPage.objects.create(
        slug="mat",
        title="Mat",
        questions=[{"id": "goals", "label": "Your goals?", "type": "text", "required": False}],
    )

    response = _post(
        owner,
        f"/app/booking-pages/{page.pk}/",
        {
            **PAGE,
            "slug": "mat",
            **_questions(
                {"label": "Your goals?", "type": "text"},
                {"key": "goals", "label": "What are your goals?", "type": "text", "required": True},
            ),
        },
    )

    assert response.status_code == 302, errors_of(response)
    page.refresh_from_db()
    assert page.questions == [
        {"id": "your-goals", "label": "Your goals?", "type": "text", "required": False},
        {"id": "goals", "label": "What are your goals?", "type": "text", "required": True},
    ]


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (
            {"label": "Level", "type": "choice", "choices": ""},
            "List the options customers choose from",
        ),
        ({"label": "Level", "type": "choice", "choices": "A\nA"}, "&quot;A&quot; is listed twice."),
        ({"label": "x" * 201, "type": "text"}, "Use at most 200 characters."),
        ({"label": "Ok?", "type": "essay"}, "Choose text, choice or checkbox."),
        (
            {"label": "", "type": "choice", "choices": "A\nB"},
            "Write the question customers will see.",
        ),
    ],
)
def test_invalid_question_is_shown_on_its_row_and_nothing_is_written(
    owner, in_alpha, questions, message
):
    before = studio_rows()

    response = _post(owner, "/app/booking-pages/new/", {**PAGE, **_questions(questions)})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Please correct the questions marked below. Nothing was saved." in html
    assert studio_rows() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"slug": "Not a slug!"}, "slug", "Enter a valid “slug”"),
        ({"services": ["99999"]}, "services", "Select a valid choice."),
    ],
)
def test_invalid_page_fields_are_shown_and_nothing_is_written(
    owner, in_alpha, change, field, message
):
    before = studio_rows()

    response = _post(owner, "/app/booking-pages/new/", {**PAGE, **change})

    html = response.content.decode()
    assert message in html and f'id="id_{field}_error"' in html
    assert studio_rows() == before


def test_taken_address_is_refused(owner, in_alpha):
    BookingPage.objects.create(slug="reformer", title="First")
    before = studio_rows()

    response = _post(owner, "/app/booking-pages/new/", PAGE)

    assert "Another booking page already uses this address. Choose another." in (
        response.content.decode()
    )
    assert studio_rows() == before


def test_too_many_questions_are_refused(owner, in_alpha):
    before = studio_rows()
    rows = [{"label": f"Question {n}", "type": "text"} for n in range(26)]

    response = _post(owner, "/app/booking-pages/new/", {**PAGE, **_questions(*rows)})

    assert "A booking page can ask at most 25 questions." in response.content.decode()
    assert studio_rows() == before


def test_question_rows_are_added_and_removed_without_javascript(owner, in_alpha):
    data = {**PAGE, **_questions({"label": "First?"}, {"label": "Second?"})}

    added = _post(owner, "/app/booking-pages/new/", {**data, "add_question": "1"})
    removed = _post(owner, "/app/booking-pages/new/", {**data, "remove_question": "0"})

    assert added.content.decode().count('name="q_label"') == 4  # 3 rows and the template
    assert 'value="Reformer sessions"' in added.content.decode()
    removed_html = removed.content.decode()
    assert 'value="First?"' not in removed_html and 'value="Second?"' in removed_html
    assert not BookingPage.objects.filter(slug="reformer").exists()


def test_page_is_deleted(owner, in_alpha):
    page = BookingPage.objects.create(slug="mat", title="Mat")

    response = _post(owner, f"/app/booking-pages/{page.pk}/delete/", {})

    assert response.status_code == 302 and response["Location"] == "/app/booking-pages/"
    assert not BookingPage.objects.filter(pk=page.pk).exists()


def test_permissions(in_alpha, who):
    page = BookingPage.objects.create(slug="mat", title="Mat")
    assert_matrix(in_alpha, who, "get", "/app/booking-pages/", managers=200, staff=200)
    assert_matrix(in_alpha, who, "get", "/app/booking-pages/new/", managers=200, staff=404)
    assert_matrix(in_alpha, who, "get", f"/app/booking-pages/{page.pk}/", managers=200, staff=404)
    before = studio_rows()
    for path, data in (
        ("/app/booking-pages/new/", {**PAGE, "slug": "other"}),
        (f"/app/booking-pages/{page.pk}/", PAGE),
        (f"/app/booking-pages/{page.pk}/delete/", {}),
    ):
        assert_matrix(in_alpha, who, "post", path, managers=None, staff=404, data=data)
    assert studio_rows() == before


def test_another_studios_page_is_not_found(owner, in_alpha, beta):
    connection.set_tenant(beta)
    theirs = BookingPage.objects.create(slug="beta-flow", title="Beta flow")
    connection.set_tenant(in_alpha)
    BookingPage.objects.filter(pk=theirs.pk).delete()

    assert owner.get(f"/app/booking-pages/{theirs.pk}/").status_code == 404
    assert _post(owner, f"/app/booking-pages/{theirs.pk}/", PAGE).status_code == 404
    assert _post(owner, f"/app/booking-pages/{theirs.pk}/delete/", {}).status_code == 404
    connection.set_tenant(beta)
    assert BookingPage.objects.filter(pk=theirs.pk, title="Beta flow").exists()
