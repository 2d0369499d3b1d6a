"""The spreadsheet helper: text that could start a formula becomes inert, everything else is untouched,
and the import undoes exactly what the export did."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ligepraksis.spreadsheets import (
    aware_datetime,
    export_dataset,
    local_datetime,
    neutralise_cell,
    neutralise_dataset,
    neutralise_row,
    neutralise_rows,
    plain_decimal,
    unneutralise_cell,
    unneutralise_dataset,
)

MALICIOUS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    "\tplain after a tab",
    "\rplain after a carriage return",
    " =1+2",
    "   @SUM(A1)",
    "\n-2+3",
    "\u00a0=1+2",  # a no-break space is whitespace too
    "=",
    "-",
]

HARMLESS = [
    "",
    "Lægehuset",
    "Aarhus C",
    "012345",
    "1,5",
    "a=b",
    "x-y",
    "mail@example.org",
    " leading space",
    "'quoted",
]

TYPED = [
    0,
    42,
    -7,
    Decimal("-1.50"),
    Decimal("2.5"),
    -3.25,
    1.5,
    True,
    False,
    None,
    dt.date(2026, 11, 22),
    dt.datetime(2026, 11, 22, 14, 30),
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_text_that_could_start_a_formula_gets_one_apostrophe(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_unchanged(text):
    assert neutralise_cell(text) == text


@pytest.mark.parametrize("value", TYPED, ids=repr)
def test_numbers_dates_booleans_and_none_are_returned_unchanged(value):
    result = neutralise_cell(value)
    assert result is value
    assert unneutralise_cell(value) is value


def test_a_lazy_translation_counts_as_text():
    assert neutralise_cell(gettext_lazy("=1+2")) == "'=1+2"
    assert neutralise_cell(gettext_lazy("Webinar")) == "Webinar"


@pytest.mark.parametrize("text", MALICIOUS + HARMLESS + ["'=1+2", "''-x", "' =1", "'", "''"])
def test_unneutralise_undoes_neutralise_exactly(text):
    assert unneutralise_cell(neutralise_cell(text)) == text


def test_an_apostrophe_already_in_front_of_a_formula_character_is_kept_through_the_round_trip():
    assert neutralise_cell("'=1+2") == "''=1+2"
    assert unneutralise_cell("''=1+2") == "'=1+2"


@pytest.mark.parametrize("text", ["'quoted", "'1,5", "'", "Rock 'n' roll", "=1+2", "-Foredrag"])
def test_unneutralise_removes_an_apostrophe_only_in_front_of_a_formula_character(text):
    assert unneutralise_cell(text) == text


def test_unneutralise_removes_exactly_one_apostrophe():
    assert unneutralise_cell("'-Foredrag") == "-Foredrag"
    assert unneutralise_cell("' =1") == " =1"
    assert unneutralise_cell("'''@x") == "''@x"


def test_a_row_and_a_row_iterator_are_neutralised_cell_by_cell():
    row = ["=1+2", 3, Decimal("-1.5"), None, "Aarhus"]
    assert neutralise_row(row) == ["'=1+2", 3, Decimal("-1.5"), None, "Aarhus"]
    streamed = neutralise_rows(iter([("title", "hours"), ("-Foredrag", Decimal("2"))]))
    assert next(streamed) == ["title", "hours"]
    assert next(streamed) == ["'-Foredrag", Decimal("2")]


def test_a_dataset_is_copied_with_headers_and_cells_neutralised():
    data = tablib.Dataset(headers=["=name", "hours"], title="Ark")
    data.append(["@SUM(A1:A2)", -2])
    safe = neutralise_dataset(data)
    assert safe.headers == ["'=name", "hours"]
    assert list(safe) == [("'@SUM(A1:A2)", -2)]
    assert safe.title == "Ark"
    assert list(data) == [("@SUM(A1:A2)", -2)]  # the original is left alone
    back = unneutralise_dataset(safe)
    assert back.headers == ["=name", "hours"] and list(back) == [("@SUM(A1:A2)", -2)]


def _dataset():
    data = tablib.Dataset(headers=["text", "whole", "negative", "decimal", "empty"])
    for text in MALICIOUS[:4]:
        data.append([text, 20, -3, Decimal("1.5"), None])
    return data


def test_export_dataset_writes_xlsx_text_cells_as_text_and_numbers_as_numbers():
    content, content_type = export_dataset(_dataset(), "xlsx")
    assert "spreadsheetml" in content_type
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    for row, text in zip(sheet.iter_rows(min_row=2), MALICIOUS[:4], strict=True):
        cell, whole, negative, decimal, empty = row
        assert cell.data_type == "s" and cell.value == "'" + text
        assert whole.data_type == "n" and whole.value == 20
        assert negative.data_type == "n" and negative.value == -3
        assert decimal.data_type == "n" and decimal.value == 1.5
        assert empty.value is None


def test_export_dataset_writes_danish_csv_with_inert_text_and_decimal_commas():
    content, content_type = export_dataset(_dataset(), "csv")
    assert content_type.startswith("text/csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["text", "whole", "negative", "decimal", "empty"]
    for row, text in zip(rows[1:], MALICIOUS[:4], strict=True):
        assert row == ["'" + text, "20", "-3", "1,5", ""]


def test_export_dataset_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        export_dataset(_dataset(), "ods")


# --- Typed cells: numbers stay numbers, dates are date cells in Danish wall-clock time --------------

UTC = dt.UTC


def _typed_dataset():
    data = tablib.Dataset(headers=["Ydernummer", "Timer", "Beløb", "Antal", "Start", "Dag", "Tekst"])
    # 12:00 UTC is 13:00 in Copenhagen in winter (CET) and 14:00 in summer (CEST).
    data.append(
        [
            "012345",
            Decimal("1.5"),
            Decimal("-1098.80"),
            5370,
            dt.datetime(2027, 1, 12, 12, 0, tzinfo=UTC),
            dt.date(2027, 1, 12),
            "=1+2",
        ]
    )
    data.append(
        [
            "000007",
            Decimal("10"),
            Decimal("0.25"),
            0,
            dt.datetime(2027, 7, 12, 12, 0, tzinfo=UTC),
            dt.date(2027, 7, 12),
            "a\x01b",
        ]
    )
    return data


def test_local_datetime_is_danish_wall_clock_time_without_a_zone_across_summer_time():
    assert local_datetime(dt.datetime(2027, 1, 12, 12, 0, tzinfo=UTC)) == dt.datetime(2027, 1, 12, 13, 0)
    assert local_datetime(dt.datetime(2027, 7, 12, 12, 0, tzinfo=UTC)) == dt.datetime(2027, 7, 12, 14, 0)
    assert local_datetime(dt.datetime(2027, 7, 12, 14, 0)) == dt.datetime(2027, 7, 12, 14, 0)  # naive: as is
    back = aware_datetime(dt.datetime(2027, 7, 12, 14, 0))
    assert back == dt.datetime(2027, 7, 12, 12, 0, tzinfo=UTC)


def test_local_datetime_ignores_a_time_zone_a_request_activated():
    with timezone.override("America/New_York"):
        assert local_datetime(dt.datetime(2027, 1, 12, 12, 0, tzinfo=UTC)) == dt.datetime(2027, 1, 12, 13, 0)


def test_plain_decimal_has_no_trailing_zeros_and_no_exponent():
    assert str(plain_decimal(Decimal("10.00"))) == "10"
    assert str(plain_decimal(Decimal("1.50"))) == "1.5"
    assert str(plain_decimal(Decimal("6.25"))) == "6.25"


def test_export_dataset_writes_typed_xlsx_cells():
    content, _type = export_dataset(_typed_dataset(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    winter, summer = (list(row) for row in sheet.iter_rows(min_row=2))
    number, hours, amount, count, start, day, text = winter
    assert (number.data_type, number.value) == ("s", "012345")  # text keeps its leading zero
    assert (hours.data_type, hours.value, hours.number_format) == ("n", 1.5, "#,##0.0")
    assert (amount.data_type, amount.value, amount.number_format) == ("n", -1098.8, "#,##0.00")
    assert (count.data_type, count.value) == ("n", 5370)
    assert isinstance(start.value, dt.datetime) and start.value == dt.datetime(2027, 1, 12, 13, 0)
    assert start.number_format == "dd.mm.yyyy hh:mm"
    assert day.value == dt.datetime(2027, 1, 12) and day.number_format == "dd.mm.yyyy"
    assert (text.data_type, text.value) == ("s", "'=1+2")
    assert summer[0].value == "000007" and summer[1].value == 10 and summer[3].value == 0
    assert summer[4].value == dt.datetime(2027, 7, 12, 14, 0)  # summer time
    assert summer[6].value == "ab"  # a control character XLSX cannot hold is left out, not a crash
    assert [c.font.bold for c in sheet[1]] == [True] * 7 and sheet.freeze_panes == "A2"


def test_export_dataset_writes_the_same_values_as_danish_csv_text():
    content, _type = export_dataset(_typed_dataset(), "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["012345", "1,5", "-1098,80", "5370", "12.01.2027 13:00", "12.01.2027", "'=1+2"]
    assert rows[2][:6] == ["000007", "10", "0,25", "0", "12.07.2027 14:00", "12.07.2027"]
