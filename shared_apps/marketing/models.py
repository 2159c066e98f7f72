"""Self-serve studio sign-ups (public schema).

A sign-up is stored first and provisioned by a task, so the request that submits the form never
waits for a schema to be migrated. The row only ever holds a password *hash*, and only until the
task has used it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


class SignupStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# A sign-up in these states holds its subdomain: nobody else may ask for it meanwhile.
ACTIVE_STATUSES = (SignupStatus.PENDING, SignupStatus.RUNNING)


def new_signup_token() -> str:
    # The token is the only key to the progress page and its hand-off, so it must be unguessable.
    return secrets.token_urlsafe(24)


class StudioSignup(models.Model):
    token = models.CharField(max_length=64, unique=True, default=new_signup_token, editable=False)
    studio_name = models.CharField(max_length=120)
    slug = models.CharField(max_length=40, db_index=True)
    timezone = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    # The plan chosen on the pricing page; empty: the default (first public) plan.
    plan_code = models.CharField(max_length=40, blank=True)
    owner_email = models.EmailField()
    owner_full_name = models.CharField(max_length=150, blank=True)
    # make_password() output; emptied once provisioning has finished (done or failed).
    owner_password_hash = models.CharField(max_length=128, blank=True)
    # Set at sign-up when a signed-in person adds a studio; set after provisioning otherwise.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studio_signups",
    )
    status = models.CharField(
        max_length=10, choices=SignupStatus.choices, default=SignupStatus.PENDING, db_index=True
    )
    error_message = models.CharField(max_length=500, blank=True)
    tenant = models.ForeignKey(
        "tenants.Tenant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signups",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two visitors racing for one subdomain: the database lets only one sign-up hold it.
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(status__in=["pending", "running"]),
                name="studio_signup_unique_active_slug",
            )
        ]

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (SignupStatus.DONE, SignupStatus.FAILED)
