from __future__ import annotations

from tenants.models import Tenant


def test_visitors_see_the_studio_card_with_contact_details_and_staff_login(web, alpha):
    Tenant.objects.filter(pk=alpha.pk).update(
        contact_phone="+44 20 7946 0001",
        address="9 Mews Road, London",
        website="https://alpha.test",
    )

    response = web.get("/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Alpha Pilates</h1>" in content
    assert "9 Mews Road, London" in content
    assert 'href="tel:+442079460001"' in content
    assert 'href="mailto:owner@alpha.test"' in content
    assert 'href="https://alpha.test"' in content
    assert '<a class="btn btn-secondary btn-sm" href="/accounts/login/">Staff login</a>' in content
    assert "opens soon" not in content.lower()


def test_members_go_from_the_start_page_to_their_app(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    response = web.get("/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/app/"


def test_members_of_another_studio_see_the_public_page(web, alpha, beta_owner):
    web.force_login(beta_owner)

    response = web.get("/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    assert b"<h1>Alpha Pilates</h1>" in response.content
