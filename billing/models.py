"""Platform subscription plans (public schema). Stripe itself is reached only from this package."""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    tagline = models.CharField(max_length=200, blank=True)
    monthly_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="USD")
    max_staff = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited")
    features = models.JSONField(default=list, blank=True)
    trial_days = models.PositiveIntegerField(default=14)
    is_public = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    stripe_price_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["sort_order", "monthly_price"]

    def __str__(self) -> str:
        return self.name
