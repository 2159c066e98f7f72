from django.core.management.base import BaseCommand

from tenants.platform import platform_tenant_ensure


class Command(BaseCommand):
    help = "Create the platform's public tenant and its domain (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        tenant = platform_tenant_ensure()
        self.stdout.write(f"Platform tenant ready ({tenant.schema_name}).")
