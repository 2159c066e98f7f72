"""Factories for rooms and equipment (use inside a studio schema: `in_alpha`)."""

from __future__ import annotations

import factory

from tenant_apps.resources.models import Resource, ResourceKind, ServiceResourceNeed


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Room {n}")
    kind = ResourceKind.ROOM
    quantity = 1


class ServiceResourceNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceResourceNeed

    quantity = 1
