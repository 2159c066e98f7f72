"""Services, staff and booking pages (tenant schema)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

COLOR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #4f6ef7.")


class DepositType(models.TextChoices):
    NONE = "none", "No deposit"
    AMOUNT = "amount", "Fixed amount"
    PERCENT = "percent", "Percent of the price"


class StaffMember(models.Model):
    display_name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="staff/", blank=True)
    email = models.EmailField(blank=True)
    color = models.CharField(max_length=7, default="#4f6ef7", validators=[COLOR_VALIDATOR])
    is_bookable = models.BooleanField(default=True)
    # Optional: the platform account this person signs in with. Users live in the public
    # schema and studio tables in each studio's schema, so this is a reference without a
    # database constraint and without ORM cascades (Django's deletion collector would look for
    # this table from the public schema, where it does not exist).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Empty: the studio's timezone applies.
    timezone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(user__isnull=False), name="staff_unique_user"
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class Service(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=80, blank=True)
    duration_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    buffer_before_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(240)]
    )
    slot_step_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    min_notice_minutes = models.PositiveIntegerField(default=0)
    max_advance_days = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    requires_approval = models.BooleanField(default=False)
    # Booking policy: how long before the start a customer may still cancel or reschedule
    # themselves (in the portal). Later than that, they have to call the studio.
    cancel_notice_minutes = models.PositiveIntegerField(
        default=24 * 60, validators=[MaxValueValidator(60 * 24 * 60)]
    )
    reschedule_notice_minutes = models.PositiveIntegerField(
        default=24 * 60, validators=[MaxValueValidator(60 * 24 * 60)]
    )
    deposit_type = models.CharField(
        max_length=10, choices=DepositType.choices, default=DepositType.NONE
    )
    deposit_value = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    is_active = models.BooleanField(default=True)
    color = models.CharField(max_length=7, default="#4f6ef7", validators=[COLOR_VALIDATOR])
    staff = models.ManyToManyField(StaffMember, related_name="services", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(deposit_type="percent") | models.Q(deposit_value__lte=100),
                name="service_deposit_percent_max_100",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="service_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BookingPage(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    intro = models.TextField(blank=True)
    services = models.ManyToManyField(Service, related_name="booking_pages", blank=True)
    staff = models.ManyToManyField(StaffMember, related_name="booking_pages", blank=True)
    # [{"id": "goals", "label": "...", "type": "text|choice|checkbox", "required": bool,
    #   "choices": [...]}] — validated by catalog.questions.
    questions = models.JSONField(default=list, blank=True)
    policy_text = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
