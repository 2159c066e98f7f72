"""Sign-in links of the customer portal (tenant schema)."""

from __future__ import annotations

from django.db import models

from tenant_apps.customers.models import Customer


class SignInLink(models.Model):
    """One emailed sign-in link. The signed token names this row's nonce; redeeming the link
    stamps used_at, so a link works once, and expires_at bounds it in time even if the
    signature's own age check were ever relaxed."""

    nonce = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.customer_id} until {self.expires_at:%Y-%m-%d %H:%M}"
