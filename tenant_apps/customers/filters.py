"""Query-string filters of the customer list (django-filter; documented in the schema)."""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from tenant_apps.customers.models import Customer


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name, email address or phone number."
    )
    tag = django_filters.CharFilter(
        method="filter_tag", help_text="Only customers with this tag (exact, any case)."
    )
    marketing_consent = django_filters.BooleanFilter(help_text="true or false.")

    class Meta:
        model = Customer
        fields = ["search", "tag", "marketing_consent"]

    def filter_search(
        self, queryset: QuerySet[Customer], name: str, value: str
    ) -> QuerySet[Customer]:
        value = value.strip()
        return queryset.filter(
            Q(full_name__icontains=value) | Q(email__icontains=value) | Q(phone__icontains=value)
        )

    def filter_tag(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        # Tags keep the spelling they were given; a filter for "vip" also finds "VIP".
        has_tag = RawSQL(
            'EXISTS (SELECT 1 FROM unnest("customers_customer"."tags") AS t '
            "WHERE lower(t) = lower(%s))",
            [value.strip()],
            output_field=BooleanField(),
        )
        return queryset.filter(has_tag)
