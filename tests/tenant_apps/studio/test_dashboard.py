from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tenant_apps.customers.models import Customer
from tenants.models import Role, Tenant, TenantStatus


def _checklist_state(content: str, key: str) -> bool:
    start = content.index(f'data-item="{key}"')
    item_tag = content[content.rindex("<li", 0, start) : start]
    return "is-done" in item_tag


def test_dashboard_greets_and_shows_the_studio_status(web, alpha, alpha_owner):
    Tenant.objects.filter(pk=alpha.pk).update(trial_ends_at=timezone.now() + timedelta(days=9))
    web.force_login(alpha_owner)

    response = web.get("/app/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    content = response.content.decode()
    assert ", Alpha</h1>" in content  # "Good morning/afternoon/evening, Alpha"
    assert "<strong>Starter</strong> plan" in content
    assert "<strong>9 days</strong> left in your free trial" in content
    assert '<span class="badge badge-info">Trialing</span>' in content


def test_active_studio_shows_no_trial_countdown(web, alpha, alpha_owner):
    Tenant.objects.filter(pk=alpha.pk).update(status=TenantStatus.ACTIVE)
    web.force_login(alpha_owner)

    content = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert '<span class="badge badge-ok">Active</span>' in content
    assert "left in your free trial" not in content


def test_checklist_reflects_the_real_state(web, alpha, alpha_owner, make_member):
    web.force_login(alpha_owner)

    before = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert "0 of 4 done" in before
    assert [_checklist_state(before, k) for k in ("details", "logo", "email", "team")] == [
        False,
        False,
        False,
        False,
    ]

    Tenant.objects.filter(pk=alpha.pk).update(
        contact_phone="+44 20 7946 0000", address="1 High Street, London"
    )
    alpha_owner.email_verified_at = timezone.now()
    alpha_owner.save(update_fields=["email_verified_at"])
    make_member(alpha, Role.STAFF)

    after = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert "3 of 4 done" in after
    assert [_checklist_state(after, k) for k in ("details", "logo", "email", "team")] == [
        True,
        False,
        True,
        True,
    ]


def test_key_figures_count_this_studios_customers_and_team(
    web, alpha, beta, alpha_owner, make_member, in_alpha
):
    Customer.objects.create(full_name="Ada Client", email="ada@example.test")
    Customer.objects.create(full_name="Ben Client", email="ben@example.test")
    make_member(alpha, Role.MANAGER)
    make_member(beta, Role.STAFF)  # another studio's team does not count
    web.force_login(alpha_owner)

    content = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert 'Customers</span>\n        <span class="stat-value">2</span>' in content
    assert 'Team members</span>\n        <span class="stat-value">2</span>' in content


def test_unverified_user_sees_the_verification_notice(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    content = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert "Please verify your email address." in content
    assert 'action="/accounts/verify-email/"' in content


def test_verified_user_sees_no_verification_notice(web, alpha, alpha_owner):
    alpha_owner.email_verified_at = timezone.now()
    alpha_owner.save(update_fields=["email_verified_at"])
    web.force_login(alpha_owner)

    content = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert "Please verify your email address." not in content


def test_checklist_buttons_to_settings_are_for_owners_only(web, alpha, alpha_owner, make_member):
    web.force_login(make_member(alpha, Role.MANAGER))
    as_manager = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()
    web.force_login(alpha_owner)
    as_owner = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert 'href="/app/settings/#logo">Upload logo</a>' in as_owner
    assert "Upload logo</a>" not in as_manager
    assert 'href="/app/settings/"' in as_manager  # managers may still read the settings
