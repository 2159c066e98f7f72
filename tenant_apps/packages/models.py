"""Credit packages: products, the packages customers hold, and the append-only credit ledger
(tenant schema).

The ledger is the truth. `CustomerPackage.balance` is the sum of the package's entries, kept by
PostgreSQL itself (see migrations/0002_ledger_triggers.py):
- inserting a `CreditEntry` adds its amount to the package's balance in the same statement and
  stores the result on the entry (`balance_after`);
- the balance has a CHECK (>= 0), so an entry that would take it below zero fails (SQLSTATE
  23514) and nothing is written: no concurrency can spend a credit twice;
- entries can't be updated or deleted, and the balance can't be set except through an entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenant_apps.catalog.models import Service
from tenant_apps.classes.models import ClassType, Enrollment
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment


class ValidityStart(models.TextChoices):
    PURCHASE = "purchase", "From purchase"
    FIRST_USE = "first_use", "From first use"


class PackageProduct(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    credits = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    validity_days = models.PositiveIntegerField(default=90)
    validity_from = models.CharField(
        max_length=10, choices=ValidityStart.choices, default=ValidityStart.PURCHASE
    )
    services = models.ManyToManyField(Service, blank=True, related_name="package_products")
    class_types = models.ManyToManyField(ClassType, blank=True, related_name="package_products")
    # Offered for online purchase once the payments capability exists; the desk sells any.
    sold_online = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gte=1), name="package_product_credits"),
            models.CheckConstraint(
                condition=Q(validity_days__gte=1), name="package_product_validity"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SaleMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD_TERMINAL = "card_terminal", "Card terminal"
    OTHER = "other", "Other"
    # Set by the payments capability when a customer buys online (payment_reference names it).
    ONLINE = "online", "Online"


class CustomerPackage(models.Model):
    """A product as sold to one customer: its terms are copied at the sale, so editing the
    product later changes nothing already sold."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="packages")
    product = models.ForeignKey(PackageProduct, on_delete=models.PROTECT, related_name="sold")
    name = models.CharField(max_length=120)
    credits_total = models.PositiveIntegerField()
    price_paid = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    sale_method = models.CharField(max_length=14, choices=SaleMethod.choices)
    payment_reference = models.CharField(max_length=120, blank=True)
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Public-schema users: no constraint or cascade across schemas (see StaffMember.user).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    sold_by_label = models.CharField(max_length=200, blank=True)
    purchased_at = models.DateTimeField()
    validity_days = models.PositiveIntegerField()
    validity_from = models.CharField(max_length=10, choices=ValidityStart.choices)
    first_used_at = models.DateTimeField(null=True, blank=True)
    # Set at the sale (validity from purchase) or at the first use (from first use).
    expires_at = models.DateTimeField(null=True, blank=True)
    # The sum of the ledger, kept by the database (see the module docstring).
    balance = models.IntegerField(default=0)
    # When the 7-day expiry warning went out (once per package).
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-purchased_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "expires_at"], name="customer_package_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="package_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.customer_id} ({self.balance} left)"


class CreditEntryKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    USE = "use", "Used"
    REFUND = "refund", "Refunded"
    EXPIRY = "expiry", "Expired"
    ADJUSTMENT = "adjustment", "Manual adjustment"


class CreditEntry(models.Model):
    """One movement of credits. Append-only (the database refuses updates and deletes)."""

    package = models.ForeignKey(CustomerPackage, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=CreditEntryKind.choices)
    amount = models.IntegerField()
    # Written by the database's trigger: the package's balance once this entry applied
    # (db_default: the INSERT sends DEFAULT and reads the trigger's value back via RETURNING).
    balance_after = models.IntegerField(db_default=0)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_entries"
    )
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_entries"
    )
    # A refund names the use it gives back (at most one refund per use).
    refund_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunded_by"
    )
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "credit entries"
        indexes = [models.Index(fields=["package", "created_at"], name="credit_entry_package")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=CreditEntryKind.PURCHASE) & Q(amount__gt=0))
                | (Q(kind=CreditEntryKind.USE) & Q(amount__lt=0))
                | (Q(kind=CreditEntryKind.REFUND) & Q(amount__gt=0) & Q(refund_of__isnull=False))
                | (Q(kind=CreditEntryKind.EXPIRY) & Q(amount__lt=0))
                | (Q(kind=CreditEntryKind.ADJUSTMENT) & ~Q(amount=0)),
                name="credit_entry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="credit_entry_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d} on {self.package_id}"
