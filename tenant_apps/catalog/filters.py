"""Query-string filters of the catalog's lists (django-filter; documented in the schema)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from tenant_apps.catalog.models import BookingPage, Service, StaffMember


class ServiceFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(field_name="is_active", help_text="true or false.")
    category = django_filters.CharFilter(
        field_name="category", lookup_expr="iexact", help_text="Exact category (any case)."
    )
    staff = django_filters.NumberFilter(
        field_name="staff", help_text="Only services this staff member (id) performs."
    )
    search = django_filters.CharFilter(method="filter_search", help_text="Part of the name.")

    class Meta:
        model = Service
        fields = ["active", "category", "staff", "search"]

    def filter_search(
        self, queryset: QuerySet[Service], name: str, value: str
    ) -> QuerySet[Service]:
        return queryset.filter(name__icontains=value.strip())


class StaffMemberFilter(django_filters.FilterSet):
    bookable = django_filters.BooleanFilter(field_name="is_bookable", help_text="true or false.")
    service = django_filters.NumberFilter(
        field_name="services", help_text="Only staff who perform this service (id)."
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the display name or email."
    )

    class Meta:
        model = StaffMember
        fields = ["bookable", "service", "search"]

    def filter_search(
        self, queryset: QuerySet[StaffMember], name: str, value: str
    ) -> QuerySet[StaffMember]:
        value = value.strip()
        return queryset.filter(Q(display_name__icontains=value) | Q(email__icontains=value))


class BookingPageFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(field_name="is_active", help_text="true or false.")
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the title or slug."
    )

    class Meta:
        model = BookingPage
        fields = ["active", "search"]

    def filter_search(
        self, queryset: QuerySet[BookingPage], name: str, value: str
    ) -> QuerySet[BookingPage]:
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(slug__icontains=value))
