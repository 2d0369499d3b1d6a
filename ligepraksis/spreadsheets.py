"""Spreadsheet exports without live formulas (OWASP "CSV injection"), and the one exit of every export.

A spreadsheet program treats a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return, or any of these after leading blanks) as a formula, so a practice
named ``=HYPERLINK("http://x","y")`` would become a live link in the leaders' export. Every text cell
that could start a formula gets a leading apostrophe: the cell is then plain text in CSV and XLSX
alike (openpyxl writes a str that begins with ``=`` as a formula; one that begins with ``'`` as text).

Only text is touched. Numbers, dates, ``None`` and booleans pass through unchanged, so they stay typed
values in XLSX, negative amounts included.

Imports undo it: ``unneutralise_cell`` removes exactly the apostrophe that ``neutralise_cell`` added,
so export → import leaves the data unchanged. To keep that exact for every text, a text that already
begins with apostrophes in front of a formula character (``'=x``) gets one more (``''=x``).

Streamed exports call ``neutralise_rows`` on their row iterator; exports that build a tablib Dataset
hand it to ``export_dataset``, which neutralises it and writes XLSX or Danish CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import tablib
from django.utils.functional import Promise
from import_export.formats.base_formats import XLSX

PREFIX = "'"
FORMULA_TRIGGERS = frozenset("=+-@\t\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _starts_formula(text: str) -> bool:
    """True if a spreadsheet could read the text as a formula (also after leading blanks)."""
    return text[:1] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS


def _needs_prefix(text: str) -> bool:
    # Apostrophes already in front of a formula character are escaped too, so that
    # unneutralise_cell(neutralise_cell(text)) == text for every text.
    return _starts_formula(text.lstrip(PREFIX))


def neutralise_cell(value: Any) -> Any:
    """The value as inert text: a text that could start a formula gets a leading apostrophe.

    Anything that is not text (int, Decimal, float, date, datetime, bool, None) is returned unchanged.
    A lazy translation counts as text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and _needs_prefix(value):
        return PREFIX + value
    return value


def unneutralise_cell(value: Any) -> Any:
    """For imports: remove the one apostrophe that neutralise_cell added, and nothing else."""
    if isinstance(value, str) and value.startswith(PREFIX) and _needs_prefix(value[1:]):
        return value[1:]
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise_cell(value) for value in row]


def neutralise_rows(rows: Iterable[Iterable[Any]]) -> Iterator[list[Any]]:
    """Row by row, for streamed exports (the header row included, if it is one of the rows)."""
    for row in rows:
        yield neutralise_row(row)


def neutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of the dataset with every cell and header neutralised."""
    headers = neutralise_row(dataset.headers) if dataset.headers else None
    return tablib.Dataset(*neutralise_rows(dataset), headers=headers, title=dataset.title)


def unneutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """For imports: a copy of the dataset with the exporter's apostrophes removed."""
    headers = [unneutralise_cell(h) for h in dataset.headers] if dataset.headers else None
    rows = ([unneutralise_cell(value) for value in row] for row in dataset)
    return tablib.Dataset(*rows, headers=headers, title=dataset.title)


def _csv_value(value: Any) -> Any:
    """Danish Excel reads 1,5 as a number and 1.5 as a date: decimals get a decimal comma."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def export_dataset(dataset: tablib.Dataset, fmt: str) -> tuple[bytes, str]:
    """(file content, content type) of a neutralised dataset: 'xlsx', or 'csv' for Danish Excel
    (';' separated, a UTF-8 BOM, decimal commas). Every spreadsheet export goes out through here."""
    safe = neutralise_dataset(dataset)
    if fmt == "csv":
        safe = tablib.Dataset(
            *([_csv_value(value) for value in row] for row in safe), headers=safe.headers, title=safe.title
        )
        return ("\ufeff" + safe.export("csv", delimiter=";")).encode("utf-8"), CSV_CONTENT_TYPE
    if fmt == "xlsx":
        return XLSX().export_data(safe), XLSX().get_content_type()
    raise ValueError(f"Unknown spreadsheet format: {fmt!r}")


__all__ = [
    "export_dataset",
    "neutralise_cell",
    "neutralise_dataset",
    "neutralise_row",
    "neutralise_rows",
    "unneutralise_cell",
    "unneutralise_dataset",
]
