"""Permanently delete a studio: its schema with every row in it, its domains and memberships.

The operator confirms by typing the studio's slug; scripts pass --noinput with --confirm-slug.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import get_public_schema_name, schema_exists

from shared_apps.console.services import tenant_delete
from tenants.db import tenant_connection
from tenants.models import Tenant
from tenants.usage import studio_usage_for, usage_counters


class Command(BaseCommand):
    help = (
        "Permanently delete a studio (schema, domains, memberships). Irreversible. "
        "To close a studio but keep its data, cancel it in the console instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="The studio's subdomain")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask; requires --confirm-slug with the same slug",
        )
        parser.add_argument("--confirm-slug", default=None, help="Repeat the slug (with --noinput)")
        parser.add_argument("--reason", default="", help="Kept in the platform audit log")

    def handle(self, *args: Any, **opts: Any) -> None:
        tenant_connection().set_schema_to_public()
        slug = opts["slug"].strip()
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No studio with the slug '{slug}'. Nothing was deleted.")
        if tenant.schema_name == get_public_schema_name():
            raise CommandError("The platform's own tenant cannot be deleted.")

        self._describe(tenant)
        confirm = opts["confirm_slug"]
        if not opts["interactive"]:
            if confirm is None:
                raise CommandError("--noinput needs --confirm-slug with the studio's slug.")
        else:
            confirm = input(f"Type the studio's slug ({slug}) to delete it for good: ").strip()
        if confirm != tenant.slug:
            raise CommandError("The confirmation did not match the slug. Nothing was deleted.")

        tenant_delete(tenant=tenant, reason=opts["reason"])
        self.stdout.write(self.style.SUCCESS(f"Studio '{tenant.slug}' was deleted permanently."))

    def _describe(self, tenant: Tenant) -> None:
        domains = list(tenant.domains.values_list("domain", flat=True))
        memberships = tenant.memberships.count()
        write = self.stdout.write
        write(self.style.WARNING(f"This permanently deletes the studio '{tenant.name}':"))
        has_schema = schema_exists(tenant.schema_name)
        write(
            f"  schema:      {tenant.schema_name}"
            + ("" if has_schema else " (missing; only rows will be removed)")
        )
        write(f"  domains:     {', '.join(domains) if domains else '(none)'}")
        write(f"  memberships: {memberships}")
        if has_schema:
            usage = studio_usage_for([tenant])[tenant.pk]
            for counter in usage_counters():
                write(f"  {counter.label.lower() + ':':<12} {usage.get(counter.key)}")
