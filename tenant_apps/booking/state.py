"""The wizard's state, kept in the URL query so that Back, reload and a shared link all work
without an account or a server-side session.

    /book/<page>/                 service                      (step 1)
    /book/<page>/staff/           ?service=                    (step 2)
    /book/<page>/time/            ?service=&staff=[&month=&date=]   (step 3)
    /book/<page>/details/         ?service=&staff=&slot=       (step 4)

`tz` rides along on every step (the customer's zone, detected by the browser). Values are parsed
leniently: anything malformed counts as missing, and the view falls back to the step that asks
for it again.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import QueryDict
from django.urls import reverse

ANY_STAFF = "any"
MAX_ID = 2**63 - 1  # ids are bigint
SLOT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_ID = re.compile(r"^[0-9]{1,19}$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_ZONE = re.compile(r"^[A-Za-z0-9_+\-/]{1,64}$")
# Days the wizard will talk about at all (the engine has its own, much shorter, horizon).
FIRST_YEAR, LAST_YEAR = 2000, 2100

FIELDS = ("service", "staff", "month", "date", "slot", "tz")


@dataclass(frozen=True)
class WizardQuery:
    service: str = ""
    staff: str = ""
    month: str = ""
    date: str = ""
    slot: str = ""
    tz: str = ""

    @classmethod
    def from_query(cls, data: QueryDict) -> WizardQuery:
        return cls(**{name: (data.get(name) or "").strip()[:80] for name in FIELDS})

    def but(self, **changes: str) -> WizardQuery:
        return dataclasses.replace(self, **changes)

    def querystring(self) -> str:
        pairs = [(name, getattr(self, name)) for name in FIELDS if getattr(self, name)]
        return urlencode(pairs)

    def url(self, page_slug: str, step: str) -> str:
        path = reverse(f"booking:{step}", args=[page_slug])
        query = self.querystring()
        return f"{path}?{query}" if query else path


def parse_id(text: str) -> int | None:
    if not _ID.match(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_zone(text: str) -> ZoneInfo | None:
    if not _ZONE.match(text):
        return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_day(text: str) -> date | None:
    if not _DAY.match(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def parse_month(text: str) -> date | None:
    if not _MONTH.match(text):
        return None
    return parse_day(f"{text}-01")


def parse_slot(text: str) -> datetime | None:
    try:
        moment = datetime.strptime(text, SLOT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None
