"""Studios (tenants), their host names and who may work there. All in the public schema."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django_tenants.models import DomainMixin, TenantMixin


class TenantStatus(models.TextChoices):
    PROVISIONING = "provisioning", "Provisioning"
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    SUSPENDED = "suspended", "Suspended"
    CANCELLED = "cancelled", "Cancelled"


# Studios in these states may not be used: pages show a notice, the API answers 403.
BLOCKED_STATUSES = frozenset({TenantStatus.SUSPENDED, TenantStatus.CANCELLED})


def logo_upload_to(instance: Tenant, filename: str) -> str:
    return f"{instance.schema_name}/logos/{filename}"


class Tenant(TenantMixin):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="USD")
    locale = models.CharField(max_length=10, default="en")
    status = models.CharField(
        max_length=20, choices=TenantStatus.choices, default=TenantStatus.TRIALING, db_index=True
    )
    plan = models.ForeignKey(
        "billing.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="studios"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Studio profile, edited by owners in the owner app.
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to=logo_upload_to, blank=True)
    # Booking policy defaults (minutes), set on the owner app's policies page. Services keep their
    # own values: the page can copy these onto every service at once.
    default_min_notice_minutes = models.PositiveIntegerField(default=0)
    default_cancel_notice_minutes = models.PositiveIntegerField(default=24 * 60)
    default_reschedule_notice_minutes = models.PositiveIntegerField(default=24 * 60)

    # Declared for the type checker: django-tenants' mixin is untyped.
    objects: models.Manager[Tenant] = models.Manager()

    # Schemas are created by tenants.provisioning inside one transaction, never implicitly on save.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_blocked(self) -> bool:
        return self.status in BLOCKED_STATUSES


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    STAFF = "staff", "Staff"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="membership_unique_user_tenant")
        ]
        ordering = ["tenant__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant} ({self.role})"


class Invitation(models.Model):
    """An emailed invitation to join a studio's team. Only a hash of the link's token is stored,
    so a leaked database row cannot be turned into a working link. An invitation is open until it
    is accepted, revoked or past expires_at; at most one open invitation per studio and address."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()  # stored lower-case, like User.email
    role = models.CharField(max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.tenant} ({self.role})"
