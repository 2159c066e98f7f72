"""Forms of a staff member's availability screens: the weekly-hours editor, date overrides and
time off. They parse what the browser sends into what scheduling.availability_services takes;
the services check order and overlaps, and their problems come back to the rows by position."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import QueryDict

from tenant_apps.scheduling.availability_services import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    Interval,
    WeeklyInterval,
    hhmm,
)

# --- times of day --------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def minute_parse(value: str, *, is_end: bool) -> int | None:
    """Minutes since midnight from "HH:MM" (None if it is not a time). An end of 00:00 or
    24:00 means midnight at the end of the day: a time input can't show 24:00."""
    match = _CLOCK.match(value.strip())
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    minute = hours * 60 + minutes
    if is_end and minute == 0:
        return MINUTES_PER_DAY
    if not is_end and minute == MINUTES_PER_DAY:
        return None
    return minute


def clock(minute: int) -> str:
    """ "HH:MM" for a time input (midnight at the end of the day shows as 00:00)."""
    return hhmm(minute % MINUTES_PER_DAY)


@dataclass
class HoursRow:
    """One interval row as typed, with its problems."""

    start: str
    end: str
    weekday: int = 0
    errors: list[str] = field(default_factory=list)
    position: int = 0


@dataclass
class HoursDay:
    weekday: int
    name: str
    rows: list[HoursRow]


class WeeklyHoursForm:
    """The weekly-hours editor: repeated `weekday`, `start` and `end` inputs, one triple per
    row (rows are added and removed in the page without renumbering anything). Blank rows are
    ignored; the service checks order and overlaps, and its problems come back by position."""

    def __init__(self, data: QueryDict | None = None, *, rows: Sequence[HoursRow] = ()) -> None:
        self.rows: list[HoursRow] = list(rows)
        self.non_field_errors: list[str] = []
        self._bound = data is not None
        self._intervals: list[WeeklyInterval] = []
        self._positions: list[int] = []  # interval index -> row index
        if data is not None:
            weekdays = data.getlist("weekday")
            starts = data.getlist("start")
            ends = data.getlist("end")
            if not len(weekdays) == len(starts) == len(ends):
                self.non_field_errors.append("The form was incomplete. Please try again.")
                self.rows = []
            else:
                self.rows = [
                    HoursRow(start=s, end=e, weekday=position_parse(w))
                    for w, s, e in zip(weekdays, starts, ends, strict=True)
                ]

    @classmethod
    def for_rows(cls, intervals: Iterable[Any]) -> WeeklyHoursForm:
        return cls(
            rows=[
                HoursRow(
                    start=clock(row.start_minute), end=clock(row.end_minute), weekday=row.weekday
                )
                for row in intervals
            ]
        )

    def is_valid(self) -> bool:
        if not self._bound or self.non_field_errors:
            return False
        self._intervals, self._positions = [], []
        for index, row in enumerate(self.rows):
            if not row.start.strip() and not row.end.strip():
                continue  # an empty row the owner added and did not fill in
            if not 0 <= row.weekday <= 6:
                # Only a tampered form gets here, and such a row has no day to be shown on.
                self.non_field_errors.append("Choose a weekday for every row.")
                continue
            start = minute_parse(row.start, is_end=False)
            end = minute_parse(row.end, is_end=True)
            if start is None or end is None:
                row.errors.append("Enter both times as HH:MM, e.g. 09:00 and 17:30.")
                continue
            self._intervals.append(WeeklyInterval(row.weekday, start, end))
            self._positions.append(index)
        return not self.has_errors

    @property
    def intervals(self) -> list[WeeklyInterval]:
        return self._intervals

    def add_service_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for key, messages in errors.items():
            position, _, _ = key.partition(".")
            if position.isdigit() and int(position) < len(self._positions):
                self.rows[self._positions[int(position)]].errors.extend(messages)
            else:
                self.non_field_errors.extend(messages)

    def row_action(self, data: QueryDict) -> bool:
        """Without JavaScript, "Add hours" and "Remove" submit the form: apply them to the rows
        and show the editor again (nothing is saved). True if the submit was one of them."""
        if "add_row" in data:
            weekday = position_parse(str(data.get("add_row", "")))
            if 0 <= weekday <= 6:
                self.rows.append(HoursRow(start="", end="", weekday=weekday))
            return True
        if "remove_row" in data:
            position = position_parse(str(data.get("remove_row", "")))
            if 0 <= position < len(self.rows):
                del self.rows[position]
            return True
        return False

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(row.errors for row in self.rows)

    def days(self) -> list[HoursDay]:
        # Rows are shown grouped by weekday, so a row's position in the page (what "Remove"
        # sends back) is its position after this stable sort.
        self.rows.sort(key=lambda row: row.weekday)
        for position, row in enumerate(self.rows):
            row.position = position
        return [
            HoursDay(
                weekday=index,
                name=name,
                rows=[row for row in self.rows if row.weekday == index],
            )
            for index, name in enumerate(WEEKDAYS)
        ]


def position_parse(value: str) -> int:
    """A row number or weekday sent back by the page (-1 when it is not a number)."""
    try:
        return int(value)
    except ValueError:
        return -1


# --- date overrides ------------------------------------------------------------------------


class DateOverrideForm(forms.Form):
    """Other hours on one date, or closed. The hours are repeated `start`/`end` inputs."""

    KIND_CHOICES = (("closed", "Closed all day"), ("hours", "Other hours"))

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="On this date", choices=KIND_CHOICES, widget=forms.RadioSelect, initial="closed"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[HoursRow] = []
        if isinstance(self.data, QueryDict):
            self.rows = [
                HoursRow(start=s, end=e)
                for s, e in zip(self.data.getlist("start"), self.data.getlist("end"), strict=False)
            ]
        self.intervals: list[Interval] = []
        self._positions: list[int] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.intervals, self._positions = [], []
        if cleaned.get("kind") != "hours":
            return cleaned
        for index, row in enumerate(self.rows):
            if not row.start.strip() and not row.end.strip():
                continue
            start = minute_parse(row.start, is_end=False)
            end = minute_parse(row.end, is_end=True)
            if start is None or end is None:
                row.errors.append("Enter both times as HH:MM, e.g. 10:00 and 14:00.")
                continue
            self.intervals.append(Interval(start, end))
            self._positions.append(index)
        if any(row.errors for row in self.rows):
            raise forms.ValidationError("Check the hours marked below.")
        if not self.intervals:
            self.add_error("kind", "Give the hours for this date, or choose closed all day.")
        return cleaned

    @property
    def closed(self) -> bool:
        return self.cleaned_data["kind"] == "closed"

    def add_service_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for key, messages in errors.items():
            parts = key.split(".")
            if len(parts) >= 2 and parts[0] == "intervals" and parts[1].isdigit():
                position = int(parts[1])
                if position < len(self._positions):
                    self.rows[self._positions[position]].errors.extend(messages)
                    continue
            for message in messages:
                self.add_error("kind" if key == "intervals" else None, message)

    def rows_edited(self) -> DateOverrideForm | None:
        """ "Add hours" / "Remove" without JavaScript: an unbound copy with the rows changed
        (nothing is saved or checked yet), or None if this submit was not one of them."""
        rows = list(self.rows)
        if "add_row" in self.data:
            rows.append(HoursRow(start="", end=""))
        elif "remove_row" in self.data:
            position = position_parse(str(self.data.get("remove_row", "")))
            if 0 <= position < len(rows):
                del rows[position]
        else:
            return None
        copy = DateOverrideForm(
            initial={"date": self.data.get("date", ""), "kind": self.data.get("kind", "hours")}
        )
        copy.rows = rows
        return copy

    def rows_or_blank(self) -> list[HoursRow]:
        rows = self.rows or [HoursRow(start="", end="")]
        for position, row in enumerate(rows):
            row.position = position
        return rows

    @classmethod
    def for_day(cls, day: Any) -> DateOverrideForm:
        form = cls(
            initial={"date": day.date, "kind": "closed" if day.closed else "hours"},
        )
        form.rows = [
            HoursRow(start=clock(i.start_minute), end=clock(i.end_minute)) for i in day.intervals
        ]
        return form


# --- time off ------------------------------------------------------------------------------


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class TimeOffForm(forms.Form):
    """From and to in the staff member's wall-clock time; stored as instants."""

    start = forms.DateTimeField(
        label="From", widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    end = forms.DateTimeField(
        label="Until", widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=200,
        help_text="Only your team sees it.",
    )

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def _aware(self, value: datetime) -> datetime:
        # The inputs are naive wall-clock times in the staff member's zone. fold=0 picks the
        # first of two repeated times when clocks go back, which is what people mean.
        return value.replace(tzinfo=self.zone)

    def time_off_data(self) -> dict[str, Any]:
        return {
            "start": self._aware(self.cleaned_data["start"].replace(tzinfo=None)),
            "end": self._aware(self.cleaned_data["end"].replace(tzinfo=None)),
            "reason": self.cleaned_data["reason"],
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end.replace(tzinfo=None) <= start.replace(tzinfo=None):
            self.add_error("end", "The end must be after the start.")
        return cleaned

    @classmethod
    def initial_for(cls, time_off: Any, zone: ZoneInfo) -> dict[str, Any]:
        return {
            "start": time_off.start.astimezone(zone).replace(tzinfo=None),
            "end": time_off.end.astimezone(zone).replace(tzinfo=None),
            "reason": time_off.reason,
        }

    @classmethod
    def initial_new(cls, today: date) -> dict[str, Any]:
        return {
            "start": datetime.combine(today, time(9)),
            "end": datetime.combine(today, time(17)),
        }
