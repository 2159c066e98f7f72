"""The demo studio: idempotent, so `make run` can call it every time.

Later capabilities extend `demo_seed` so the demo studio always shows every feature.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from tenant_apps.classes.demo import classes_demo_seed
from tenant_apps.notifications.demo import notifications_demo_seed
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.packages.demo import packages_demo_seed
from tenant_apps.resources.demo import resources_demo_seed
from tenant_apps.reviews.demo import reviews_demo_seed
from tenant_apps.scheduling.demo import scheduling_demo_seed
from tenants.models import Membership, Role, Tenant
from tenants.platform import platform_tenant_ensure
from tenants.provisioning import StudioDetails, tenant_provision

DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_LOGINS = (
    DemoLogin("Platform operator", "operator@studiobook.test", "demo-operator-pass"),
    DemoLogin("Demo studio owner", "owner@demo.studiobook.test", "demo-owner-pass"),
    DemoLogin("Demo studio staff", "staff@demo.studiobook.test", "demo-staff-pass"),
)


def _demo_user(login: DemoLogin, full_name: str, *, operator: bool = False) -> User:
    user = User.objects.filter(email=login.email).first()
    if user is None:
        user = User.objects.create_user(
            login.email,
            login.password,
            full_name=full_name,
            is_staff=operator,
            is_superuser=operator,
        )
    else:
        # Demo passwords are part of the README's contract: reset them on every run.
        user.set_password(login.password)
        user.save(update_fields=["password"])
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def demo_seed() -> Tenant:
    platform_tenant_ensure()
    operator_login, owner_login, staff_login = DEMO_LOGINS
    with transaction.atomic():
        _demo_user(operator_login, "Olivia Operator", operator=True)
        owner = _demo_user(owner_login, "Maya Lindqvist")
        staff = _demo_user(staff_login, "Theo Marsh")
    tenant = Tenant.objects.filter(slug=DEMO_SLUG).first()
    if tenant is None:
        tenant = tenant_provision(
            details=StudioDetails(
                slug=DEMO_SLUG,
                name="Harbour Pilates & Yoga",
                timezone="Europe/London",
                currency="GBP",
            ),
            owner=owner,
        )
    Tenant.objects.filter(pk=tenant.pk).update(
        contact_phone="+44 20 7946 0321",
        address="12 Quayside Lane, Bristol BS1 4RN",
        website="https://harbour-pilates.example",
        contact_email="hello@harbour-pilates.example",
    )
    Membership.objects.get_or_create(user=owner, tenant=tenant, defaults={"role": Role.OWNER})
    Membership.objects.get_or_create(user=staff, tenant=tenant, defaults={"role": Role.STAFF})
    # Demo bookings belong to nobody: no emails for them (the log gets its own history).
    with schema_context(tenant.schema_name), notifications_muted():
        scheduling_demo_seed(
            studio_timezone=tenant.timezone,
            currency=tenant.currency,
            now=timezone.now(),
            owner=owner,
            staff_user=staff,
        )
        resources_demo_seed(now=timezone.now(), studio_timezone=tenant.timezone)
        classes_demo_seed(now=timezone.now(), studio=tenant)
        reviews_demo_seed()
        notifications_demo_seed(now=timezone.now())
        packages_demo_seed(now=timezone.now(), currency=tenant.currency, owner=owner)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    return Tenant.objects.get(pk=tenant.pk)
