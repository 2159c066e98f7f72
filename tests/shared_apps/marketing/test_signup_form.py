import pytest
from django.contrib.auth.hashers import check_password

from shared_apps.marketing.models import SignupStatus, StudioSignup
from shared_apps.marketing.services import EMAIL_TAKEN_MESSAGE
from tests.shared_apps.marketing.support import VALID, field_block, row_counts

SLUG_FORMAT = (
    "Use lowercase letters, digits and hyphens only, starting and ending with a letter or digit."
)
SLUG_LENGTH = "Use 3 to 40 characters."
SLUG_RESERVED = "This subdomain is reserved. Please choose another."
SLUG_TAKEN = "This subdomain is taken. Please choose another."


def test_signup_page_renders_the_form(platform_client):
    response = platform_client.get("/signup/")

    assert response.status_code == 200
    html = response.content.decode()
    slug = field_block(html, "slug")
    assert ".localhost" in slug.text
    assert 'hx-get="/signup/check-subdomain/"' in html
    timezone = field_block(html, "timezone")
    assert "Europe/London" in timezone.text
    assert 'data-browser-timezone=""' in html
    assert '<option value="UTC" selected>UTC</option>' in html
    assert '<option value="USD" selected>USD · US dollar</option>' in html
    assert 'name="password"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "bad_slug!", SLUG_FORMAT),
        ("slug", "Bad Slug", SLUG_FORMAT),
        ("slug", "ab", SLUG_LENGTH),
        ("slug", "a" * 41, SLUG_LENGTH),
        ("slug", "-leading", SLUG_FORMAT),
        ("slug", "trailing-", SLUG_FORMAT),
        ("slug", "www", SLUG_RESERVED),
        ("slug", "api", SLUG_RESERVED),
        ("slug", "admin", SLUG_RESERVED),
        ("slug", "console", SLUG_RESERVED),
        ("slug", "static", SLUG_RESERVED),
        ("slug", "media", SLUG_RESERVED),
        ("slug", "app", SLUG_RESERVED),
        ("slug", "alpha", SLUG_TAKEN),
        ("slug", "", "Choose a subdomain for your booking pages."),
        ("studio_name", "", "Enter your studio's name."),
        ("full_name", "", "Enter your name."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "owner@alpha.test", EMAIL_TAKEN_MESSAGE),
        ("email", "Owner@ALPHA.test", EMAIL_TAKEN_MESSAGE),
        ("password", "", "Choose a password."),
        ("timezone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
        ("currency", "XYZ", "Choose a currency from the list."),
        ("plan_code", "enterprise", "Choose a plan from the list."),
    ],
)
def test_invalid_field_shows_its_error_beside_it_and_creates_nothing(
    platform_client, django_capture_on_commit_callbacks, mailoutbox, field, value, message
):
    before = row_counts()

    with django_capture_on_commit_callbacks() as callbacks:
        response = platform_client.post("/signup/", {**VALID, field: value})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    block = field_block(response.content.decode(), field)
    assert "has-error" in block.css_class
    assert message in block.text
    if field in ("slug", "studio_name", "full_name", "email") and value:
        assert block.values[field] == value  # what the visitor typed is kept
    assert row_counts() == before
    assert callbacks == []  # no task was sent
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("password", ["This password is too common."]),
        ("xk3!q9", ["This password is too short. It must contain at least 8 characters."]),
        ("83920174650", ["This password is entirely numeric."]),
        ("jane.harbour", ["The password is too similar to the email."]),
    ],
)
def test_weak_password_is_refused_and_never_echoed(platform_client, password, messages):
    before = row_counts()

    response = platform_client.post(
        "/signup/", {**VALID, "email": "jane.harbour@example.com", "password": password}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": messages}
    block = field_block(response.content.decode(), "password")
    assert all(message in block.text for message in messages)
    assert block.values["password"] is None
    assert f'value="{password}"' not in response.content.decode()
    assert row_counts() == before


def test_every_problem_is_shown_on_the_first_submit(platform_client):
    response = platform_client.post(
        "/signup/",
        {**VALID, "slug": "www", "email": "owner@beta.test", "currency": "XYZ"},
    )

    assert response.context["form"].errors == {
        "slug": [SLUG_RESERVED],
        "email": [EMAIL_TAKEN_MESSAGE],
        "currency": ["Choose a currency from the list."],
    }
    assert "Please check the highlighted fields." in response.content.decode()


def test_slug_held_by_a_pending_signup_is_taken(platform_client):
    StudioSignup.objects.create(
        studio_name="Held",
        slug="harbour",
        timezone="UTC",
        currency="USD",
        owner_email="someone@else.test",
        status=SignupStatus.RUNNING,
    )
    before = row_counts()

    response = platform_client.post("/signup/", VALID)

    assert response.status_code == 200
    assert response.context["form"].errors == {"slug": [SLUG_TAKEN]}
    assert row_counts() == before


def test_slug_of_a_failed_signup_is_free_again(platform_client):
    StudioSignup.objects.create(
        studio_name="Old try",
        slug="harbour",
        timezone="UTC",
        currency="USD",
        owner_email="someone@else.test",
        status=SignupStatus.FAILED,
    )

    response = platform_client.post("/signup/", VALID)

    assert response.status_code == 302
    assert StudioSignup.objects.filter(slug="harbour", status=SignupStatus.PENDING).count() == 1


def test_slug_is_normalised_to_lowercase(platform_client):
    response = platform_client.post("/signup/", {**VALID, "slug": "  Harbour-Pilates "})

    assert response.status_code == 302
    assert StudioSignup.objects.get().slug == "harbour-pilates"


def test_existing_account_email_links_to_login(platform_client):
    response = platform_client.post("/signup/", {**VALID, "email": "owner@alpha.test"})

    block = field_block(response.content.decode(), "email")
    assert "Log in to add a studio" in block.text
    assert 'href="/accounts/login/?next=/signup/"' in response.content.decode()


def test_signed_in_person_needs_no_account_fields(platform_client, alpha_owner):
    platform_client.force_login(alpha_owner)

    page = platform_client.get("/signup/").content.decode()
    response = platform_client.post(
        "/signup/",
        {key: VALID[key] for key in ("studio_name", "slug", "timezone", "currency")},
    )

    assert "Signed in as owner@alpha.test" in page
    assert 'name="password"' not in page
    assert response.status_code == 302
    signup = StudioSignup.objects.get()
    assert signup.owner == alpha_owner
    assert signup.owner_email == "owner@alpha.test"
    assert signup.owner_password_hash == ""


def test_valid_signup_stores_a_hash_never_the_password(platform_client):
    response = platform_client.post("/signup/", {**VALID, "email": "Jane@Harbour.TEST"})

    signup = StudioSignup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/signup/{signup.token}/"
    assert len(signup.token) >= 32
    assert signup.status == SignupStatus.PENDING
    assert (signup.studio_name, signup.slug, signup.timezone, signup.currency) == (
        "Harbour Pilates",
        "harbour",
        "Europe/Dublin",
        "EUR",
    )
    assert signup.owner_email == "jane@harbour.test"
    assert signup.owner_full_name == "Jane Harbour"
    assert signup.owner is None
    assert signup.ip_address == "127.0.0.1"
    assert VALID["password"] not in signup.owner_password_hash
    assert check_password(VALID["password"], signup.owner_password_hash)


def test_signup_throttle_per_ip(platform_client, settings):
    settings.SIGNUP_THROTTLE_PER_IP = 2
    for n in range(2):
        response = platform_client.post(
            "/signup/", {**VALID, "slug": f"studio-{n}", "email": f"owner{n}@studio.test"}
        )
        assert response.status_code == 302
    before = row_counts()

    response = platform_client.post(
        "/signup/", {**VALID, "slug": "studio-3", "email": "owner3@studio.test"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many studios were created from your network in the last hour. Please try again later."
    ]
    assert "Too many studios were created from your network" in response.content.decode()
    assert row_counts() == before
    # Another address is not affected.
    other = platform_client.post(
        "/signup/",
        {**VALID, "slug": "studio-4", "email": "owner4@studio.test"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 302


def test_invalid_submissions_do_not_use_up_the_throttle(platform_client, settings):
    settings.SIGNUP_THROTTLE_PER_IP = 1
    for _ in range(3):
        platform_client.post("/signup/", {**VALID, "slug": "www"})

    response = platform_client.post("/signup/", VALID)

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("fresh-studio", "fresh-studio.localhost is available"),
        ("Fresh-Studio", "fresh-studio.localhost is available"),
        ("alpha", SLUG_TAKEN),
        ("ab", SLUG_LENGTH),
        ("admin", SLUG_RESERVED),
    ],
)
def test_live_subdomain_check(platform_client, slug, expected):
    response = platform_client.get(
        "/signup/check-subdomain/", {"slug": slug}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    css = "ok" if expected.endswith("available") else "bad"
    assert f'class="slug-status {css}"' in response.content.decode()


def test_signup_form_is_only_on_the_platform_host(alpha_client):
    assert alpha_client.get("/signup/").status_code == 404
