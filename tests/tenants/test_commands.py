"""manage.py provision_tenant and seed_demo."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shared_apps.accounts.models import User
from tenant_apps.studio.demo import DEMO_LOGINS
from tenants.models import Domain, Membership, Role, Tenant

ROOT = Path(__file__).resolve().parents[2]
OWNER_PASSWORD = "gamma-owner-password-1"


def _provision(*args: str) -> str:
    out = io.StringIO()
    call_command("provision_tenant", *args, stdout=out)
    return out.getvalue()


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def _footprint() -> tuple[int, int, int, int]:
    return (
        Tenant.objects.count(),
        Domain.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
    )


def test_provision_tenant_creates_the_studio_and_prints_its_url(alpha):
    output = _provision(
        "--slug",
        "gamma",
        "--name",
        "Gamma",
        "--owner-email",
        "G@X.test",
        "--owner-password",
        OWNER_PASSWORD,
    )

    assert output.splitlines() == [
        "Studio 'Gamma' is ready.",
        "URL:   http://gamma.localhost:8000/app/",
        "Owner: g@x.test",
    ]
    tenant = Tenant.objects.get(slug="gamma")
    assert tenant.schema_name == "gamma"
    assert _schema_exists("gamma")
    owner = User.objects.get(email="g@x.test")
    assert owner.check_password(OWNER_PASSWORD)
    assert list(Membership.objects.filter(tenant=tenant).values_list("user", "role")) == [
        (owner.pk, Role.OWNER)
    ]


def test_provision_tenant_for_an_existing_person_keeps_their_password(alpha_owner):
    output = _provision(
        "--slug",
        "gamma",
        "--name",
        "Gamma",
        "--owner-email",
        "owner@alpha.test",
        "--owner-password",
        "ignored-for-existing-accounts",
    )

    assert "Owner: owner@alpha.test" in output
    alpha_owner.refresh_from_db()
    assert not alpha_owner.check_password("ignored-for-existing-accounts")
    assert Membership.objects.filter(
        user=alpha_owner, tenant__slug="gamma", role=Role.OWNER
    ).exists()


def test_provision_tenant_prints_a_generated_password_that_works(alpha):
    output = _provision("--slug", "gamma", "--name", "Gamma", "--owner-email", "g@x.test")

    generated = [line for line in output.splitlines() if line.startswith("Password (generated):")]
    assert len(generated) == 1
    password = generated[0].split(": ", 1)[1]
    assert User.objects.get(email="g@x.test").check_password(password)


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("alpha", "This subdomain is taken. Please choose another."),
        ("Bad_Slug", "Some fields are invalid (slug: Use lowercase letters"),
        ("www", "Some fields are invalid (slug: This subdomain is reserved."),
    ],
)
def test_provision_tenant_refuses_taken_or_invalid_slugs_and_writes_nothing(alpha, slug, message):
    before = _footprint()

    with pytest.raises(CommandError) as caught:
        _provision(
            "--slug", slug, "--name", "Gamma", "--owner-email", "new-owner@x.test"
        )  # the new owner account is created in the same transaction, then rolled back

    assert str(caught.value).startswith(message)
    assert _footprint() == before
    assert not User.objects.filter(email="new-owner@x.test").exists()


def test_manage_py_exits_with_1_on_an_invalid_slug(alpha):
    """Through manage.py against the test database (committed data: alpha exists)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "POSTGRES_DB": connection.settings_dict["NAME"],
    }
    before = _footprint()

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "provision_tenant",
            "--slug",
            "Bad_Slug",
            "--name",
            "Bad",
            "--owner-email",
            "bad@x.test",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "CommandError: Some fields are invalid (slug: Use lowercase letters" in result.stderr
    assert result.stdout == ""
    assert _footprint() == before


def test_seed_demo_twice_is_idempotent_and_its_logins_work(db):
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    owner = User.objects.get(email="owner@demo.studiobook.test")
    owner.set_password("changed-by-someone")
    owner.save(update_fields=["password"])
    call_command("seed_demo", stdout=second)

    assert Tenant.objects.filter(slug="demo").count() == 1
    assert _schema_exists("demo")
    assert list(Domain.objects.filter(tenant__slug="demo").values_list("domain", flat=True)) == [
        "demo.localhost"
    ]
    assert sorted(
        Membership.objects.filter(tenant__slug="demo").values_list("user__email", "role")
    ) == [("owner@demo.studiobook.test", Role.OWNER), ("staff@demo.studiobook.test", Role.STAFF)]
    for login in DEMO_LOGINS:
        assert authenticate(None, username=login.email, password=login.password) is not None
    operator = User.objects.get(email="operator@studiobook.test")
    assert operator.is_staff and operator.is_superuser
    assert User.objects.filter(email__in=[login.email for login in DEMO_LOGINS]).count() == 3
    for output in (first, second):
        assert "Demo studio ready: http://demo.localhost:8000/app/" in output.getvalue()
    # The calendar never shows one person in two places: bookings that happened (or will) don't
    # overlap, completed and no-show ones included (only active ones are held by the constraint).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM demo.scheduling_appointment a "
            "JOIN demo.scheduling_appointment b ON a.staff_id = b.staff_id AND a.id < b.id "
            "AND tstzrange(a.start, a.end) && tstzrange(b.start, b.end) "
            "WHERE a.status NOT IN ('cancelled', 'rejected') "
            "AND b.status NOT IN ('cancelled', 'rejected')"
        )
        assert cursor.fetchone() == (0,)
