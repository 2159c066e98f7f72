"""Query-string filters of the packages' lists (django-filter; documented in the schema)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from tenant_apps.packages.models import CustomerPackage, PackageProduct
from tenant_apps.packages.selectors import package_usable_q


class PackageProductFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(field_name="is_active", help_text="true or false.")
    sold_online = django_filters.BooleanFilter(field_name="sold_online", help_text="true or false.")
    service = django_filters.NumberFilter(
        field_name="services", help_text="Only products whose credits pay for this service (id)."
    )
    class_type = django_filters.NumberFilter(
        field_name="class_types",
        help_text="Only products whose credits pay for this class type (id).",
    )
    search = django_filters.CharFilter(method="filter_search", help_text="Part of the name.")

    class Meta:
        model = PackageProduct
        fields = ["active", "sold_online", "service", "class_type", "search"]

    def filter_search(
        self, queryset: QuerySet[PackageProduct], name: str, value: str
    ) -> QuerySet[PackageProduct]:
        return queryset.filter(name__icontains=value.strip())


class CustomerPackageFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer", help_text="Customer id.")
    product = django_filters.NumberFilter(field_name="product", help_text="Package product id.")
    active = django_filters.BooleanFilter(
        method="filter_active",
        help_text="true: credits left and not expired; false: used up or expired.",
    )

    class Meta:
        model = CustomerPackage
        fields = ["customer", "product", "active"]

    def filter_active(
        self, queryset: QuerySet[CustomerPackage], name: str, value: bool | None
    ) -> QuerySet[CustomerPackage]:
        if value is None:
            return queryset
        usable = package_usable_q(now=timezone.now())
        return queryset.filter(usable) if value else queryset.exclude(usable)
