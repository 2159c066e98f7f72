"""Provision a studio from the command line: what self-serve sign-up does."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from shared_apps.accounts.models import User
from shared_apps.core.errors import DomainError
from tenants.platform import platform_tenant_ensure
from tenants.provisioning import StudioDetails, tenant_provision
from tenants.urls import studio_url


class Command(BaseCommand):
    help = "Create a studio (schema, domain, owner membership, defaults) and print its URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="")
        parser.add_argument(
            "--owner-password",
            default=None,
            help="Only used when the owner account is new; random if omitted",
        )
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--plan", default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        platform_tenant_ensure()
        email = opts["owner_email"].strip().lower()
        details = StudioDetails(
            slug=opts["slug"],
            name=opts["name"],
            timezone=opts["timezone"],
            currency=opts["currency"].upper(),
            plan_code=opts["plan"],
        )
        generated = None
        try:
            with transaction.atomic():
                owner = User.objects.filter(email=email).first()
                if owner is None:
                    generated = opts["owner_password"] or secrets.token_urlsafe(12)
                    owner = User.objects.create_user(
                        email, generated, full_name=opts["owner_name"] or email.split("@")[0]
                    )
                tenant = tenant_provision(details=details, owner=owner)
        except DomainError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
            raise CommandError(f"{exc.detail}{' (' + problems + ')' if problems else ''}") from exc
        self.stdout.write(self.style.SUCCESS(f"Studio '{tenant.name}' is ready."))
        self.stdout.write(f"URL:   {studio_url(tenant.slug, '/app/')}")
        self.stdout.write(f"Owner: {owner.email}")
        if generated and not opts["owner_password"]:
            self.stdout.write(f"Password (generated): {generated}")
