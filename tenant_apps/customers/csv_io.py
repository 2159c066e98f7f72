"""Customers as CSV: the export writer and the import file reader.

Both sides use the same six columns, so an exported file imports back unchanged. Spreadsheet
programs run a cell that starts with = + - @ (or a tab or carriage return) as a formula, and a
formula in a customer's name could exfiltrate data or run commands on the owner's computer
("CSV injection"). Such cells are written with a leading apostrophe, which spreadsheets show as
text; the reader takes that apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import ImportRow

COLUMNS = ("name", "email", "phone", "tags", "notes", "marketing_consent")
# Header spellings people use, mapped to our field names (compared lower-case, spaces and
# dashes as underscores).
HEADER_ALIASES = {
    "name": "full_name",
    "full_name": "full_name",
    "customer": "full_name",
    "customer_name": "full_name",
    "email": "email",
    "email_address": "email",
    "e_mail": "email",
    "phone": "phone",
    "phone_number": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "tags": "tags",
    "tag": "tags",
    "notes": "notes",
    "note": "notes",
    "marketing_consent": "marketing_consent",
    "consent": "marketing_consent",
    "marketing": "marketing_consent",
}
REQUIRED_FIELDS = ("full_name", "email")
IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 5000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_escape(value: str) -> str:
    """A cell value a spreadsheet will show as text, never run as a formula. A value that
    already looks escaped gets another apostrophe, so cell_unescape() restores it exactly."""
    if value.startswith(_FORMULA_STARTS) or (
        value.startswith("'") and value.lstrip("'").startswith(_FORMULA_STARTS)
    ):
        return f"'{value}"
    return value


def cell_unescape(value: str) -> str:
    """The value that cell_escape() wrote (an apostrophe before a formula start comes off)."""
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_STARTS):
        return value[1:]
    return value


class _Echo:
    """A file-like object whose write() hands the line back (for streaming csv.writer)."""

    def write(self, value: str) -> str:
        return value


def export_rows(customers: Iterable[Customer]) -> Iterator[str]:
    """The CSV text, line by line: a byte-order mark so spreadsheet programs read UTF-8, the
    header, then one line per customer."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for customer in customers:
        yield writer.writerow(
            [
                cell_escape(value)
                for value in (
                    customer.full_name,
                    customer.email,
                    customer.phone,
                    ", ".join(customer.tags),
                    customer.notes,
                    "yes" if customer.marketing_consent else "no",
                )
            ]
        )


class ImportFileError(Exception):
    """The file as a whole can't be read (too large, not text, no usable header)."""


@dataclass(frozen=True)
class ImportFile:
    rows: list[ImportRow]
    ignored_columns: tuple[str, ...]


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise ImportFileError("This is not a CSV text file. Save the sheet as CSV and try again.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Spreadsheet programs on Windows save "CSV" in this code page by default.
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "We couldn't read the file's characters. Save it as CSV (UTF-8) and try again."
        ) from exc


def _delimiter(first_line: str) -> str:
    # Where the decimal separator is a comma, spreadsheets separate CSV cells with semicolons.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def import_file_read(upload: UploadedFile) -> ImportFile:
    """Parse an uploaded CSV into rows keyed by field name. Raises ImportFileError for a file
    that is too large, not text, has no name/email columns or too many rows."""
    if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"The file is larger than {IMPORT_MAX_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files."
        )
    raw = upload.read(IMPORT_MAX_BYTES + 1)
    if len(raw) > IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"The file is larger than {IMPORT_MAX_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files."
        )
    text = _decode(raw)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]), strict=True
    )
    try:
        header = next(reader)
        fields: list[str | None] = []
        ignored: list[str] = []
        for name in header:
            field = HEADER_ALIASES.get(_header_key(cell_unescape(name)))
            if field is None or field in fields:
                if name.strip():
                    ignored.append(name.strip())
                field = None
            fields.append(field)
        missing = [f for f in REQUIRED_FIELDS if f not in fields]
        if missing:
            names = " and ".join("name" if f == "full_name" else f for f in missing)
            raise ImportFileError(
                f"The first line must name the columns; we found no {names} column. "
                f"Use the headers {', '.join(COLUMNS)}."
            )
        rows: list[ImportRow] = []
        last_line = reader.line_num
        for cells in reader:
            # A quoted cell may span lines: the record starts after the previous one ended.
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines between records are common in hand-made files
            if len(rows) >= IMPORT_MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {IMPORT_MAX_ROWS} customers. "
                    "Split it into smaller files."
                )
            values = {
                field: cell_unescape(cell)
                for field, cell in zip(fields, cells, strict=False)
                if field is not None
            }
            rows.append(ImportRow(line=line, values=values))
    except csv.Error as exc:
        raise ImportFileError(
            f"The file is not valid CSV (line {reader.line_num}): {exc}."
        ) from exc
    if not rows:
        raise ImportFileError("The file has a header but no customers.")
    return ImportFile(rows=rows, ignored_columns=tuple(ignored))
