"""manage.py delete_tenant: hard deletion, confirmed by typing the slug, audited."""

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists

from shared_apps.accounts.models import User
from shared_apps.console.models import PlatformAuditLog
from shared_apps.console.services import audit_entry_create
from tenants.management.commands.delete_tenant import Command as DeleteTenantCommand
from tenants.models import Domain, Membership, Tenant
from tenants.provisioning import StudioDetails, tenant_provision

# django-tenants ships a `delete_tenant` command too (no audit, no slug confirmation), and the
# app listed first in INSTALLED_APPS wins the name. The tests drive our command object directly;
# test_manage_py_runs_our_command checks which one `manage.py delete_tenant` runs.
DELETE = DeleteTenantCommand


def delete_tenant(**options):
    return call_command(DELETE(), **options)


@pytest.fixture
def gamma(db) -> Tenant:  # type: ignore[no-untyped-def]
    owner = User.objects.create_user("owner@gamma.test", "pw-gamma-123", full_name="G Owner")
    return tenant_provision(details=StudioDetails(slug="gamma", name="Gamma Barre"), owner=owner)


def _studio_intact(slug: str) -> bool:
    return (
        Tenant.objects.filter(slug=slug).exists()
        and Domain.objects.filter(domain=f"{slug}.localhost").exists()
        and schema_exists(slug)
    )


def test_noinput_with_matching_confirmation_deletes_everything(gamma, capsys):
    earlier = audit_entry_create(actor=None, action="tenant.suspend", tenant=gamma, reason="x")

    delete_tenant(slug="gamma", interactive=False, confirm_slug="gamma")

    out = capsys.readouterr().out
    assert "schema:      gamma" in out
    assert "domains:     gamma.localhost" in out
    assert "memberships: 1" in out
    assert "Studio 'gamma' was deleted permanently." in out
    assert not Tenant.objects.filter(slug="gamma").exists()
    assert not Domain.objects.filter(domain="gamma.localhost").exists()
    assert not Membership.objects.filter(user__email="owner@gamma.test").exists()
    assert not schema_exists("gamma")
    entry = PlatformAuditLog.objects.get(action="tenant.delete")
    assert entry.actor is None
    assert entry.actor_label == "cli"
    assert entry.tenant is None
    assert entry.tenant_slug == "gamma"
    assert entry.metadata == {
        "name": "Gamma Barre",
        "schema_name": "gamma",
        "domains": ["gamma.localhost"],
        "memberships": 1,
    }
    earlier.refresh_from_db()
    assert earlier.tenant is None
    assert earlier.tenant_slug == "gamma"


def test_typed_confirmation_deletes(gamma, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "gamma")

    delete_tenant(slug="gamma", reason="GDPR erasure request")

    assert not schema_exists("gamma")
    assert PlatformAuditLog.objects.get().reason == "GDPR erasure request"


def test_wrong_typed_confirmation_leaves_studio_and_schema_intact(alpha, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "alpah")

    with pytest.raises(CommandError, match="did not match") as exc:
        delete_tenant(slug="alpha")

    assert exc.value.returncode == 1
    assert _studio_intact("alpha")
    assert PlatformAuditLog.objects.count() == 0


def test_noinput_with_wrong_confirm_slug_is_refused(alpha):
    with pytest.raises(CommandError, match="did not match") as exc:
        delete_tenant(slug="alpha", interactive=False, confirm_slug="beta")

    assert exc.value.returncode == 1
    assert _studio_intact("alpha")
    assert PlatformAuditLog.objects.count() == 0


def test_noinput_needs_confirm_slug(alpha):
    with pytest.raises(CommandError, match="--confirm-slug"):
        delete_tenant(slug="alpha", interactive=False)

    assert _studio_intact("alpha")


def test_unknown_slug_is_an_error(db):
    with pytest.raises(CommandError, match="No studio with the slug 'nope'") as exc:
        delete_tenant(slug="nope", interactive=False, confirm_slug="nope")

    assert exc.value.returncode == 1


def test_platform_tenant_is_refused(db):
    with pytest.raises(CommandError, match="platform's own tenant"):
        delete_tenant(slug="platform", interactive=False, confirm_slug="platform")

    assert schema_exists("public")
    assert Tenant.objects.filter(schema_name="public").exists()


def test_manage_py_runs_our_command():
    get_commands.cache_clear()

    assert get_commands()["delete_tenant"] == "tenants"
