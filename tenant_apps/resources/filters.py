"""Query-string filters of the resources list (django-filter; documented in the schema)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from tenant_apps.resources.models import Resource, ResourceKind


class ResourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, help_text="room or equipment.")
    is_active = django_filters.BooleanFilter(help_text="true or false.")
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name or description."
    )

    class Meta:
        model = Resource
        fields = ["kind", "is_active", "search"]

    def filter_search(
        self, queryset: QuerySet[Resource], name: str, value: str
    ) -> QuerySet[Resource]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
