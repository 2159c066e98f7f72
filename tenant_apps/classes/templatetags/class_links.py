"""Links to the class pages from other apps' templates, shown only when they lead somewhere."""

from __future__ import annotations

from django import template
from django.utils import timezone

from tenant_apps.classes.models import ClassSession, SessionStatus

register = template.Library()


@register.simple_tag
def public_classes_open() -> bool:
    """Whether the public class schedule has anything to book (one EXISTS query): the studio's
    home page links to it only then."""
    return ClassSession.objects.filter(
        status=SessionStatus.SCHEDULED, class_type__is_active=True, start__gt=timezone.now()
    ).exists()
