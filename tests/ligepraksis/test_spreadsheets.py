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
from django.utils.translation import gettext_lazy

from ligepraksis.spreadsheets import (
    export_dataset,
    neutralise_cell,
    neutralise_dataset,
    neutralise_row,
    neutralise_rows,
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
