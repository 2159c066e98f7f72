"""factory_boy factories for tenant-schema models (use inside a studio schema: `in_alpha`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory

from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import WeeklyHours


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    display_name = factory.Sequence(lambda n: f"Staff {n}")
    email = factory.Sequence(lambda n: f"staff{n}@studio.test")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 60
    price = Decimal("50.00")
    currency = "GBP"
    max_advance_days = 90

    @factory.post_generation
    def performers(self, create: bool, extracted: list[StaffMember] | None, **kwargs: object):
        if create and extracted:
            self.staff.set(extracted)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    full_name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.test")


def weekly_hours_set(
    staff: StaffMember, *, days: range = range(7), start: int = 9 * 60, end: int = 17 * 60
) -> None:
    WeeklyHours.objects.bulk_create(
        WeeklyHours(staff=staff, weekday=d, start_minute=start, end_minute=end) for d in days
    )


ONE_HOUR = timedelta(hours=1)
