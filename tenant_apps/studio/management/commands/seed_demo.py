from django.core.management.base import BaseCommand

from tenant_apps.studio.demo import DEMO_LOGINS, demo_seed
from tenants.urls import studio_url


class Command(BaseCommand):
    help = "Create or update the demo studio and the demo logins (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        tenant = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo studio ready: {studio_url(tenant.slug, '/app/')}")
        )
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<20} {login.email} / {login.password}")
