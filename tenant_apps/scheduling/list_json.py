"""The calendar's appointment list (GET /api/v1/appointments/), rendered by PostgreSQL.

A calendar week is hundreds of rows. Turned into Python values, each row cost four datetimes
parsed, a Decimal and a dozen dicts, and then json.dumps walked them all again: that was most of
the endpoint's time. Instead PostgreSQL writes each row's JSON text exactly as DRF would have
(AppointmentSerializer + JSONRenderer: compact separators, UTF-8 kept, the same string escapes,
ISO 8601 datetimes in UTC with "Z"), the page's total comes from a window count in the same
query, and Python only joins the rows. tests/tenant_apps/scheduling/test_calendar_list_json.py
keeps the bytes equal to DRF's, page envelopes and awkward strings included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Expression, F, Func, QuerySet, TextField, Value, Window
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from tenant_apps.scheduling.models import Appointment

# --- rows ------------------------------------------------------------------------------------
#
# `answers` is the one field PostgreSQL does not write: it prints jsonb with spaces after ":" and
# ",", so a non-empty one is re-encoded in Python the way the serializer path does it (json.loads
# of the column, json.dumps by the renderer).

# How one column becomes JSON text ("{}" stands for the column).
# to_json escapes exactly the characters json.dumps(ensure_ascii=False) escapes, spelled the same.
_STRING = "to_json({})::text"
_NUMBER = "({})::text"
# A numeric(_, 2) as DRF writes a DecimalField: a string with its two places.
_DECIMAL = "'\"' || ({})::text || '\"'"
# An interval in whole minutes, rounded down as int(total_seconds() // 60) does.
_MINUTES = "floor(extract(epoch FROM {}) / 60)::bigint::text"
# DRF's datetime in UTC: isoformat() with "Z", the microseconds only when there are some.
_DATETIME = (
    "'\"' || replace(to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
    "'.000000', '') || 'Z\"'"
)

_Part = str | tuple[str, str | Expression]


class _JsonText(Func):
    """One text value that PostgreSQL concatenates from literal JSON text (str parts) and
    formatted columns ((format, field name or expression) parts). A single expression: one per
    piece would be some sixty nested expressions to build, hash and compile on every request."""

    output_field = TextField()

    def __init__(self, *parts: _Part) -> None:
        for part in parts:
            if isinstance(part, str) and "%" in part:
                raise ValueError("Literal parts are SQL text: no %.")
        self.parts = parts
        super().__init__(
            *(
                F(source) if isinstance(source, str) else source
                for _format, source in (part for part in parts if isinstance(part, tuple))
            )
        )

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[str | int, ...]]:
        pieces: list[str] = []
        params: list[str | int] = []
        columns = iter(self.get_source_expressions())
        for part in self.parts:
            if isinstance(part, str):
                pieces.append("'" + part.replace("'", "''") + "'")
            else:
                sql, column_params = compiler.compile(next(columns))
                pieces.append(part[0].format(sql))
                params.extend(column_params)
        return "(" + " || ".join(pieces) + ")", tuple(params)


def appointment_list_json_columns(*, ics_base: str) -> dict[str, Expression]:
    """Three text annotations per appointment: the JSON before `answers`, `answers` as jsonb
    text, and the JSON after it (`ics_url` built on `ics_base`, the scheme and host)."""
    ics_prefix = json.dumps(f"{ics_base}/api/v1/appointments/", ensure_ascii=False)[:-1]
    head = _JsonText(
        '{"id":',
        (_NUMBER, "id"),
        ',"reference":',
        (_STRING, "reference"),
        ',"status":',
        (_STRING, "status"),
        ',"source":',
        (_STRING, "source"),
        ',"start":',
        (_DATETIME, "start"),
        ',"end":',
        (_DATETIME, "end"),
        ',"buffer_before_minutes":',
        (_MINUTES, "buffer_before"),
        ',"buffer_after_minutes":',
        (_MINUTES, "buffer_after"),
        ',"service":{"id":',
        (_NUMBER, "service_id"),
        ',"name":',
        (_STRING, "service__name"),
        ',"duration_minutes":',
        (_NUMBER, "service__duration_minutes"),
        ',"color":',
        (_STRING, "service__color"),
        '},"staff":{"id":',
        (_NUMBER, "staff_id"),
        ',"display_name":',
        (_STRING, "staff__display_name"),
        ',"color":',
        (_STRING, "staff__color"),
        ',"timezone":',
        (_STRING, "staff__timezone"),
        '},"customer":{"id":',
        (_NUMBER, "customer_id"),
        ',"full_name":',
        (_STRING, "customer__full_name"),
        ',"email":',
        (_STRING, "customer__email"),
        ',"phone":',
        (_STRING, "customer__phone"),
        '},"answers":',
    )
    tail = _JsonText(
        ',"customer_note":',
        (_STRING, "customer_note"),
        ',"owner_notes":',
        (_STRING, "owner_notes"),
        ',"status_reason":',
        (_STRING, "status_reason"),
        ',"price":',
        (_DECIMAL, "price"),
        ',"currency":',
        (_STRING, "currency"),
        ',"created_at":',
        (_DATETIME, "created_at"),
        ',"updated_at":',
        (_DATETIME, "updated_at"),
        ',"ics_url":',
        ("{}", Value(ics_prefix)),  # from the Host header: a parameter, never SQL text
        (_NUMBER, "id"),
        '.ics"}',
    )
    # jsonb's own text, re-encoded compactly in Python (appointment_list_json_text).
    answers = _JsonText((_NUMBER, "answers"))
    return {"list_json_head": head, "list_json_answers": answers, "list_json_tail": tail}


APPOINTMENT_LIST_JSON_COLUMNS = ("list_json_head", "list_json_answers", "list_json_tail")


def _compact_json(text: str) -> str:
    if text == "{}":
        return text
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def appointment_list_json_text(rows: Iterable[tuple[str, str, str]]) -> str:
    """The JSON array of appointment_list_json_columns rows (without DRF's final U+2028 and
    U+2029 escaping, which applies to the whole response: see RenderedJSON)."""
    return (
        "[" + ",".join(head + _compact_json(answers) + tail for head, answers, tail in rows) + "]"
    )


def sql_list_json_supported() -> bool:
    """PostgreSQL writes the datetimes in UTC, DRF in the active zone: they agree while the
    active zone is UTC (settings.TIME_ZONE, and nothing activates another one). Otherwise the
    list is built in Python (appointment_list_json)."""
    return timezone.get_current_timezone_name() == "UTC"


# --- the response ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedJSON:
    """A response body already written as compact JSON (by PostgreSQL and the paginator)."""

    text: str


class AppointmentListRenderer(JSONRenderer):
    """DRF's JSON renderer that passes a RenderedJSON body through as it is. Someone asking for
    indented JSON (`Accept: application/json; indent=4`, the browsable API) gets it re-read and
    rendered the usual way, so every client sees what plain DRF would have sent."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, RenderedJSON):
            if self.get_indent(accepted_media_type or "", dict(renderer_context or {})) is None:
                # The one change JSONRenderer makes after json.dumps.
                text = data.text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
                return text.encode()
            data = json.loads(data.text)
        return super().render(data, accepted_media_type, renderer_context)  # type: ignore[arg-type]


_BEYOND_ANY_PAGE = 2**62


class AppointmentListPagination(LimitOffsetPagination):
    """DRF's limit/offset pages (same parameters, same envelope) for the calendar's list: the
    page's JSON is written by PostgreSQL and the total comes from a window count over the same
    query, so a page costs one query whatever its size (plus a COUNT only when an offset runs
    past the last row, where no row carries the total)."""

    def paginate_json(
        self, queryset: QuerySet[Appointment], request: Request
    ) -> RenderedJSON | None:
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        columns = appointment_list_json_columns(ics_base=request.build_absolute_uri("/")[:-1])
        page = queryset.annotate(**columns, list_total=Window(Count("*"))).values_list(
            *APPOINTMENT_LIST_JSON_COLUMNS, "list_total"
        )
        # A limit or offset past any real page is taken as it is (the links repeat it), but
        # never sent as it is: PostgreSQL's LIMIT and OFFSET are bigints.
        rows = (
            list(page[self.offset : self.offset + min(self.limit, _BEYOND_ANY_PAGE)])
            if self.offset < _BEYOND_ANY_PAGE
            else []
        )
        if rows:
            self.count = rows[0][3]
        else:
            self.count = queryset.count() if self.offset else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        envelope = json.dumps(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        results = appointment_list_json_text(row[:3] for row in rows)
        return RenderedJSON(f'{envelope[:-1]},"results":{results}}}')


class AppointmentFilterBackend(DjangoFilterBackend):
    """django-filter's backend that builds the FilterSet (a form with three model-choice
    fields, a millisecond or so) only when the request names one of its filters: the calendar's
    range reads usually name none, and an empty FilterSet filters nothing anyway."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
