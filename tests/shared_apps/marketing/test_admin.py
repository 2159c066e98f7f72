from shared_apps.accounts.models import User
from shared_apps.marketing.models import StudioSignup


def test_operators_see_signups_with_the_hash_read_only(platform_client):
    operator = User.objects.create_superuser(
        "ops@studiobook.test", "x-operator-pass-1", full_name="Ops"
    )
    signup = StudioSignup.objects.create(
        studio_name="Harbour Pilates",
        slug="harbour",
        timezone="UTC",
        currency="USD",
        owner_email="jane@harbour.test",
        owner_password_hash="md5$salt$0123456789abcdef",
    )
    platform_client.force_login(operator)

    listing = platform_client.get("/admin/marketing/studiosignup/")
    change = platform_client.get(f"/admin/marketing/studiosignup/{signup.pk}/change/")

    assert listing.status_code == 200
    assert "jane@harbour.test" in listing.content.decode()
    assert change.status_code == 200
    assert 'name="owner_password_hash"' not in change.content.decode()
    assert 'name="token"' not in change.content.decode()
    assert 'name="studio_name"' in change.content.decode()
