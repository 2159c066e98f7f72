"""Helpers for the sign-up tests: valid form data and reading one field's block of the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db import connection

from shared_apps.accounts.models import User
from shared_apps.marketing.models import StudioSignup
from tenants.models import Domain, Membership, Tenant

PASSWORD = "Tidal-Reformer-42"
VALID = {
    "studio_name": "Harbour Pilates",
    "slug": "harbour",
    "full_name": "Jane Harbour",
    "email": "jane@harbour.test",
    "password": PASSWORD,
    "timezone": "Europe/Dublin",
    "currency": "EUR",
}


@dataclass
class FieldBlock:
    """What a person sees in one `data-field` block: its text and the values of its controls."""

    text: str = ""
    values: dict[str, str | None] = field(default_factory=dict)
    css_class: str = ""


class _FieldParser(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.depth = 0
        self.block: FieldBlock | None = None
        self._chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.depth:
            if tag not in ("input", "br", "img"):
                self.depth += 1
            if tag == "input" and self.block is not None:
                self.block.values[attributes.get("name") or ""] = attributes.get("value")
            return
        if tag == "div" and attributes.get("data-field") == self.name and self.block is None:
            self.depth = 1
            self.block = FieldBlock(css_class=attributes.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("input", "br", "img"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self._chunks.append(data)

    def close(self) -> None:
        super().close()
        if self.block is not None:
            self.block.text = " ".join(" ".join(self._chunks).split())


def field_block(html: str, name: str) -> FieldBlock:
    parser = _FieldParser(name)
    parser.feed(html)
    parser.close()
    assert parser.block is not None, f"no field block for {name!r}"
    return parser.block


def row_counts() -> dict[str, int]:
    return {
        "signups": StudioSignup.objects.count(),
        "tenants": Tenant.objects.count(),
        "domains": Domain.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
    }


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None
