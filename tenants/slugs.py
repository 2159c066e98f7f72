"""What a studio's subdomain may be."""

from __future__ import annotations

import re

from django.conf import settings

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$")
# PostgreSQL reserves pg_* schema names and has its own information_schema.
_SYSTEM_PREFIXES = ("pg-",)
_SYSTEM_SLUGS = frozenset({"information-schema", "public"})


def slug_problems(slug: str) -> list[str]:
    """Everything wrong with a requested subdomain, as messages for a person (empty: fine).
    Uniqueness is checked by the caller (it needs the database)."""
    if not 3 <= len(slug) <= 40:
        return ["Use 3 to 40 characters."]
    if not SLUG_PATTERN.match(slug):
        return [
            "Use lowercase letters, digits and hyphens only, starting and ending with a "
            "letter or digit."
        ]
    if "--" in slug:
        return ["Use single hyphens only."]
    if (
        slug in settings.RESERVED_SLUGS
        or slug in _SYSTEM_SLUGS
        or slug.startswith(_SYSTEM_PREFIXES)
    ):
        return ["This subdomain is reserved. Please choose another."]
    return []


def schema_name_for_slug(slug: str) -> str:
    # Slugs never contain underscores, so replacing hyphens keeps the mapping one-to-one.
    return slug.replace("-", "_")
