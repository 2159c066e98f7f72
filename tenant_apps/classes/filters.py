"""Query-string filters of the classes API's lists (django-filter; documented in the schema)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from tenant_apps.classes.models import ClassLevel, ClassSession, ClassType, SessionStatus


class ClassTypeFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(field_name="is_active", help_text="true or false.")
    level = django_filters.ChoiceFilter(choices=ClassLevel.choices, help_text="Only this level.")
    search = django_filters.CharFilter(method="filter_search", help_text="Part of the name.")

    class Meta:
        model = ClassType
        fields = ["active", "level", "search"]

    def filter_search(
        self, queryset: QuerySet[ClassType], name: str, value: str
    ) -> QuerySet[ClassType]:
        return queryset.filter(name__icontains=value.strip())


class ClassSessionFilter(django_filters.FilterSet):
    class_type = django_filters.NumberFilter(
        field_name="class_type_id", help_text="Only sessions of this class type (id)."
    )
    instructor = django_filters.NumberFilter(
        field_name="instructor_id", help_text="Only sessions this staff member (id) teaches."
    )
    status = django_filters.ChoiceFilter(
        choices=SessionStatus.choices, help_text="scheduled or cancelled."
    )

    class Meta:
        model = ClassSession
        fields = ["class_type", "instructor", "status"]
