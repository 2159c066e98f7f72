"""Keeping studio tables consistent when a platform user is deleted.

Studio tables refer to users without a database constraint (they live in another schema), so
when a user goes, every studio's staff link to them is cleared here, schema by schema.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name, schema_context

from shared_apps.accounts.models import User
from tenants.models import Membership, Tenant


@receiver(pre_delete, sender=User, dispatch_uid="catalog.unlink_deleted_user")
def _unlink_deleted_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    from tenant_apps.catalog.models import StaffMember

    schemas = (
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .filter(pk__in=Membership.objects.filter(user=instance).values("tenant_id"))
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            StaffMember.objects.filter(user_id=instance.pk).update(user=None)
