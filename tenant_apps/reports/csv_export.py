"""CSV files of the reports and of the appointments, safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets, so a customer named "=HYPERLINK(...)" could run one on the
owner's machine (OWASP "CSV injection"). Such text cells get a leading apostrophe, which the
spreadsheet shows as plain text. Numbers are written as numbers: they come from the database,
never from a person, and a negative amount must stay a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenant_apps.reports.periods import ReportRange
from tenant_apps.reports.selectors import Report, StaffUtilisation
from tenant_apps.scheduling.models import Appointment

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | Decimal | date | None


def safe_cell(value: Cell) -> str | int | Decimal:
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Cell]]) -> Iterator[str]:
    """The CSV text line by line (CRLF line ends, RFC 4180), cells made safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def _rate(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


# --- the report tables -------------------------------------------------------------------------

REPORT_TABLES = ("periods", "staff", "services", "customers")


def report_table(report: Report, table: str) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of one table of the reports page."""
    currency = report.currency
    if table == "periods":
        return (
            [
                "period_start",
                "period",
                "bookings",
                "pending",
                "confirmed",
                "completed",
                "cancelled",
                "no_shows",
                "cancellation_rate_percent",
                "no_show_rate_percent",
                f"revenue_{currency}",
            ],
            [
                [
                    row.period,
                    row.label,
                    row.figures.bookings,
                    row.figures.pending,
                    row.figures.confirmed,
                    row.figures.completed,
                    row.figures.cancelled,
                    row.figures.no_shows,
                    _rate(row.figures.cancellation_rate),
                    _rate(row.figures.no_show_rate),
                    row.figures.revenue,
                ]
                for row in report.periods
            ],
        )
    if table == "staff":
        return (
            ["staff", "booked_minutes", "available_minutes", "utilisation_percent"],
            [_staff_row(row) for row in report.staff],
        )
    if table == "services":
        return (
            ["service", "bookings", "completed", f"revenue_{currency}"],
            [[row.name, row.bookings, row.completed, row.revenue] for row in report.services],
        )
    if table == "customers":
        return (
            ["period_start", "period", "new_customers", "returning_customers"],
            [
                [row.period, row.label, row.new_customers, row.returning_customers]
                for row in report.periods
            ],
        )
    raise ValueError(f"unknown report table {table!r}")


def _staff_row(row: StaffUtilisation) -> list[Cell]:
    return [row.name, row.booked_minutes, row.available_minutes, _rate(row.rate)]


def report_filename(report_range: ReportRange, table: str) -> str:
    return f"{table}_{report_range.first.isoformat()}_{report_range.last.isoformat()}.csv"


# --- appointments --------------------------------------------------------------------------------

APPOINTMENT_HEADER = [
    "reference",
    "date",
    "start",
    "end",
    "timezone",
    "status",
    "service",
    "staff",
    "customer",
    "customer_email",
    "customer_phone",
    "source",
    "price",
    "currency",
    "customer_note",
]


def appointment_rows(
    appointments: Iterable[Appointment], *, zone: ZoneInfo
) -> Iterator[list[Cell]]:
    """One row per appointment, times in the studio's zone (the date is the local start day)."""
    for appointment in appointments:
        start = appointment.start.astimezone(zone)
        end = appointment.end.astimezone(zone)
        yield [
            appointment.reference,
            start.date(),
            start.strftime("%H:%M"),
            end.strftime("%H:%M"),
            start.tzname(),
            appointment.get_status_display(),
            appointment.service.name,
            appointment.staff.display_name,
            appointment.customer.full_name,
            appointment.customer.email,
            appointment.customer.phone,
            appointment.get_source_display(),
            appointment.price,
            appointment.currency,
            appointment.customer_note,
        ]
