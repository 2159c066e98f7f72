from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shared_apps.core.errors import PermissionDeniedError, ValidationFailedError
from tenant_apps.studio.services import studio_settings_update
from tenants.models import Role, Tenant
from tests.tenant_apps.studio.conftest import image_bytes

VALID = {
    "name": "Alpha Pilates & Barre",
    "timezone": "Europe/Paris",
    "currency": "EUR",
    "contact_email": "hello@alpha-pilates.test",
    "contact_phone": "+33 1 23 45 67 89",
    "address": "5 Rue de la Paix, 75002 Paris",
    "website": "https://alpha-pilates.test",
}
PROFILE_FIELDS = [
    "name",
    "timezone",
    "currency",
    "contact_email",
    "contact_phone",
    "address",
    "website",
]


def _profile(tenant: Tenant) -> dict[str, str]:
    row = Tenant.objects.get(pk=tenant.pk)
    return {field: getattr(row, field) for field in PROFILE_FIELDS}


def test_owner_sees_the_current_settings(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    response = web.get("/app/settings/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Alpha Pilates"' in content
    assert '<option value="Europe/London" selected>' in content
    assert '<option value="GBP" selected>' in content
    assert "Save changes" in content
    assert "disabled" not in content[content.index('<form method="post" enctype') :]


def test_owner_updates_the_settings(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    response = web.post("/app/settings/", VALID, HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/app/settings/"
    assert _profile(alpha) == VALID
    page = web.get("/app/settings/", HTTP_HOST="alpha.localhost")
    assert b"Studio settings saved." in page.content  # the toast
    # The host cache was dropped: the studio's pages show the new name at once.
    assert b"Alpha Pilates &amp; Barre" in web.get("/app/", HTTP_HOST="alpha.localhost").content


def test_optional_contact_fields_can_be_cleared(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    web.post(
        "/app/settings/",
        {**VALID, "contact_email": "", "contact_phone": "", "address": "", "website": ""},
        HTTP_HOST="alpha.localhost",
    )

    assert _profile(alpha) == {
        **VALID,
        "contact_email": "",
        "contact_phone": "",
        "address": "",
        "website": "",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "   ", "This field is required."),
        ("name", "x" * 121, "Ensure this value has at most 120 characters (it has 121)."),
        ("timezone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("currency", "XXX", "Select a valid choice."),
        ("contact_email", "not-an-email", "Enter a valid email address."),
        ("contact_phone", "call me maybe", "Enter a phone number, e.g. +44 20 7946 0321."),
        ("address", "a" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("website", "javascript:alert(1)", "Enter a full web address"),
        ("website", "https://", "Enter a full web address"),
        ("website", "ftp://files.example.test", "Enter a full web address"),
    ],
)
def test_each_invalid_field_gets_an_error_beside_it_and_nothing_changes(
    web, alpha, alpha_owner, field, value, message
):
    before = _profile(alpha)
    web.force_login(alpha_owner)

    response = web.post("/app/settings/", {**VALID, field: value}, HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    content = response.content.decode()
    error_block = content[content.index(f'id="id_{field}_error"') :]
    assert message in error_block[: error_block.index("</div>")]
    assert 'aria-invalid="true"' in content
    assert _profile(alpha) == before


def test_logo_upload_is_stored_under_the_schema_and_shown(web, alpha, alpha_owner, media_root):
    web.force_login(alpha_owner)
    upload = SimpleUploadedFile("My Logo.png", image_bytes("PNG"), content_type="image/png")

    response = web.post("/app/settings/", {**VALID, "logo": upload}, HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    logo_name = Tenant.objects.get(pk=alpha.pk).logo.name
    assert logo_name.startswith("alpha/logos/logo-")
    assert logo_name.endswith(".png")
    assert (Path(media_root) / logo_name).read_bytes() == image_bytes("PNG")
    dashboard = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()
    assert f'<img class="studio-logo" src="/media/{logo_name}" alt="">' in dashboard


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_jpeg_and_webp_logos_are_accepted(web, alpha, alpha_owner, media_root, fmt):
    web.force_login(alpha_owner)
    upload = SimpleUploadedFile(f"logo.{fmt.lower()}", image_bytes(fmt))

    response = web.post("/app/settings/", {**VALID, "logo": upload}, HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert Tenant.objects.get(pk=alpha.pk).logo.name.endswith(
        {"JPEG": ".jpg", "WEBP": ".webp"}[fmt]
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"this is not an image", "this file is not a readable image"),
        ("logo.gif", image_bytes("GIF"), "Upload a PNG, JPEG or WebP image."),
        ("logo.png", image_bytes("PNG")[:60], "this file is not a readable image"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "2 MB or smaller"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "this file is not a readable image",
        ),
    ],
)
def test_invalid_logo_is_refused_and_nothing_is_stored(
    web, alpha, alpha_owner, media_root, name, content, message
):
    web.force_login(alpha_owner)
    before = _profile(alpha)

    response = web.post(
        "/app/settings/",
        {**VALID, "logo": SimpleUploadedFile(name, content, content_type="image/png")},
        HTTP_HOST="alpha.localhost",
    )

    assert response.status_code == 200
    content_html = response.content.decode()
    error_block = content_html[content_html.index('id="id_logo_error"') :]
    assert message in error_block[: error_block.index("</div>")]
    assert Tenant.objects.get(pk=alpha.pk).logo.name == ""
    assert _profile(alpha) == before  # nothing else was saved either
    assert list(Path(media_root).rglob("*.*")) == []


def test_replacing_and_removing_the_logo_deletes_old_files(
    web, alpha, alpha_owner, media_root, django_capture_on_commit_callbacks
):
    web.force_login(alpha_owner)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(
            "/app/settings/",
            {**VALID, "logo": SimpleUploadedFile("a.png", image_bytes("PNG"))},
            HTTP_HOST="alpha.localhost",
        )
    first = Tenant.objects.get(pk=alpha.pk).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        web.post(
            "/app/settings/",
            {**VALID, "logo": SimpleUploadedFile("b.jpg", image_bytes("JPEG"))},
            HTTP_HOST="alpha.localhost",
        )
    second = Tenant.objects.get(pk=alpha.pk).logo.name

    assert second != first
    assert not (Path(media_root) / first).exists()
    assert (Path(media_root) / second).exists()

    with django_capture_on_commit_callbacks(execute=True):
        web.post("/app/settings/", {**VALID, "remove_logo": "on"}, HTTP_HOST="alpha.localhost")

    assert Tenant.objects.get(pk=alpha.pk).logo.name == ""
    assert not (Path(media_root) / second).exists()


def test_manager_sees_settings_read_only_and_cannot_change_them(web, alpha, make_member):
    web.force_login(make_member(alpha, Role.MANAGER))
    before = _profile(alpha)

    page = web.get("/app/settings/", HTTP_HOST="alpha.localhost")
    post = web.post("/app/settings/", VALID, HTTP_HOST="alpha.localhost")

    assert page.status_code == 200
    content = page.content.decode()
    assert "Only the studio's owners can change them." in content
    assert (
        '<input type="text" name="name" value="Alpha Pilates" maxlength="120" required disabled'
        in content
    )
    assert "Save changes" not in content
    assert post.status_code == 403
    assert _profile(alpha) == before


def test_staff_cannot_see_or_change_settings(web, alpha, make_member):
    web.force_login(make_member(alpha, Role.STAFF))
    before = _profile(alpha)

    assert web.get("/app/settings/", HTTP_HOST="alpha.localhost").status_code == 404
    assert web.post("/app/settings/", VALID, HTTP_HOST="alpha.localhost").status_code == 404
    assert _profile(alpha) == before


def test_settings_of_another_studio_are_not_found(web, alpha, beta_owner):
    web.force_login(beta_owner)
    before = _profile(alpha)

    assert web.post("/app/settings/", VALID, HTTP_HOST="alpha.localhost").status_code == 404
    assert _profile(alpha) == before


def test_a_bare_domain_is_saved_as_an_https_address(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    web.post(
        "/app/settings/", {**VALID, "website": "alpha-pilates.test"}, HTTP_HOST="alpha.localhost"
    )

    assert Tenant.objects.get(pk=alpha.pk).website == "https://alpha-pilates.test"


def test_every_problem_is_shown_at_once(web, alpha, alpha_owner, media_root):
    web.force_login(alpha_owner)

    response = web.post(
        "/app/settings/",
        {
            **VALID,
            "contact_email": "nope",
            "contact_phone": "call me",
            "website": "ftp://files.example.test",
            "logo": SimpleUploadedFile("logo.png", b"not an image"),
        },
        HTTP_HOST="alpha.localhost",
    )

    content = response.content.decode()
    for field in ("contact_email", "contact_phone", "website", "logo"):
        assert f'id="id_{field}_error"' in content, field


def test_the_service_enforces_the_rules_without_the_form(alpha, alpha_owner):
    with pytest.raises(ValidationFailedError) as caught:
        studio_settings_update(
            tenant=alpha,
            acting_user=alpha_owner,
            name=" ",
            timezone="Mars/Olympus_Mons",
            currency="XXX",
            website="javascript:alert(1)",
        )

    assert set(caught.value.errors) == {"name", "timezone", "currency", "website"}
    assert Tenant.objects.get(pk=alpha.pk).name == "Alpha Pilates"


def test_the_service_refuses_non_owners(alpha, make_member):
    manager = make_member(alpha, Role.MANAGER)

    with pytest.raises(PermissionDeniedError):
        studio_settings_update(tenant=alpha, acting_user=manager, name="Renamed")

    assert Tenant.objects.get(pk=alpha.pk).name == "Alpha Pilates"
