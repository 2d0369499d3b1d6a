"""Spreadsheet exports without live formulas (OWASP "CSV injection"), and the one exit of every export.

A spreadsheet program treats a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return, or any of these after leading blanks) as a formula, so a practice
named ``=HYPERLINK("http://x","y")`` would become a live link in the leaders' export. Every text cell
that could start a formula gets a leading apostrophe: the cell is then plain text in CSV and XLSX
alike (openpyxl writes a str that begins with ``=`` as a formula; one that begins with ``'`` as text).

Only text is touched. Numbers, dates, ``None`` and booleans pass through unchanged, so they stay typed
values in XLSX, negative amounts included.

Typed cells: resources hand ``export_dataset`` Python values, not text they formatted themselves.
Amounts, hours, scores and counts (int, Decimal, float) become number cells in XLSX (a Decimal keeps
its decimals in the cell's number format: a mean of 4.50 shows as 4,50 in Danish Excel); dates and
datetimes become date cells in Danish wall-clock time (Europe/Copenhagen, the portal's TIME_ZONE),
made naive because XLSX has no time zones (openpyxl refuses aware values). Provider numbers
(ydernumre) and CVR numbers are text, so a leading zero survives. CSV is text anyway: the same values
with a decimal comma and dates as ``22.11.2026 14:30``.

Imports undo it: ``unneutralise_cell`` removes exactly the apostrophe that ``neutralise_cell`` added,
so export → import leaves the data unchanged. To keep that exact for every text, a text that already
begins with apostrophes in front of a formula character (``'=x``) gets one more (``''=x``).

Streamed exports call ``neutralise_rows`` on their row iterator; exports that build a tablib Dataset
hand it to ``export_dataset``, which neutralises it and writes XLSX or Danish CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import tablib
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

PREFIX = "'"
FORMULA_TRIGGERS = frozenset("=+-@\t\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# How a date or time reads in a CSV file (and what the imports accept first).
DATE_SHOWN = "%d.%m.%Y"
DATETIME_SHOWN = "%d.%m.%Y %H:%M"
# The same in an XLSX cell's number format (Excel shows it as it is, whatever the reader's locale).
XLSX_DATE_FORMAT = "dd.mm.yyyy"
XLSX_DATETIME_FORMAT = "dd.mm.yyyy hh:mm"


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


def local_datetime(value: dt.datetime) -> dt.datetime:
    """A datetime as Danish wall-clock time without a time zone (XLSX cells hold no time zone).

    An aware value is converted to Europe/Copenhagen (the portal's TIME_ZONE, not the zone a request
    may have activated), so summer and winter time both read as the clock on the wall; a naive value
    is taken to be wall-clock time already."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.replace(tzinfo=None)


def aware_datetime(value: dt.datetime) -> dt.datetime:
    """For imports, the inverse of local_datetime: a naive wall-clock time read as Danish time."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def plain_decimal(value: Decimal) -> Decimal:
    """A Decimal without trailing zeros and without an exponent: 1.50 -> 1.5, 10.00 -> 10."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def _csv_value(value: Any) -> Any:
    """Danish Excel reads 1,5 as a number and 1.5 as a date: decimals get a decimal comma; dates and
    times read as 22.11.2026 14:30 in Danish time."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return local_datetime(value).strftime(DATETIME_SHOWN)
    if isinstance(value, dt.date):
        return value.strftime(DATE_SHOWN)
    return value


def _decimal_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0." + "0" * places if places else "#,##0"


def _xlsx_cell(value: Any) -> tuple[Any, str | None]:
    """(cell value, number format or None) for a neutralised value."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None, None  # control characters cannot be stored
    if isinstance(value, dt.datetime):
        return local_datetime(value), XLSX_DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, XLSX_DATE_FORMAT
    if isinstance(value, Decimal) and not value.is_finite():
        return None, None
    if isinstance(value, Decimal):
        return value, _decimal_format(value)
    return value, None


def _xlsx(dataset: tablib.Dataset) -> bytes:
    """One sheet with a bold, frozen header row; every value keeps its type (see the module text)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (dataset.title or "Ark")[:31]
    widths: dict[int, int] = {}
    rows = [dataset.headers, *dataset] if dataset.headers else list(dataset)
    for row_number, row in enumerate(rows, start=1):
        for column, raw in enumerate(row, start=1):
            value, number_format = _xlsx_cell(raw)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if number_format:
                cell.number_format = number_format
            if dataset.headers and row_number == 1:
                cell.font = Font(bold=True)
            shown = 16 if isinstance(value, dt.datetime) else len(str(value)) if value is not None else 0
            widths[column] = max(widths.get(column, 0), min(shown, 60))
    if dataset.headers:
        sheet.freeze_panes = "A2"
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(width, 8) + 2
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# --- Row by row: streamed CSV and write-only XLSX (the exports of ligepraksis/exports.py) ------------

CSV_CHUNK_BYTES = 64 * 1024  # a streamed CSV is handed to the server in pieces of about this size
XLSX_WIDTH_SAMPLE = 200  # write-only XLSX: column widths are measured on the header and this many rows


def csv_chunks(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """Danish-Excel CSV (a UTF-8 BOM, ';', decimal commas, Danish dates) of a header and rows, made
    row by row: every cell neutralised, pieces of about CSV_CHUNK_BYTES yielded as they fill, so the
    memory stays flat however many rows there are."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_csv_value(value) for value in neutralise_row(header)])
    shown: dict = {}  # datetimes and decimals repeat (a session's start): each is formatted once
    for row in rows:
        writer.writerow([_csv_cell(value, shown) for value in row])
        if buffer.tell() >= CSV_CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _csv_cell(value: Any, shown: dict) -> Any:
    """neutralise_cell then _csv_value, with fast paths for the common cells of a large export."""
    kind = type(value)
    if kind is str:
        # A text that begins with a letter or a digit can start no formula.
        return value if value[:1].isalnum() else _csv_value(neutralise_cell(value))
    if value is None or kind is int or kind is bool:
        return value
    if kind is dt.datetime or kind is Decimal:
        found = shown.get(value)
        if found is None:
            if len(shown) >= 10_000:
                shown.clear()
            found = shown[value] = _csv_value(value)
        return found
    return _csv_value(neutralise_cell(value))


def _shown_width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    return min(len(str(value)), 60) if value is not None else 0


def write_xlsx(header: Iterable[Any], rows: Iterable[Iterable[Any]], out, *, title: str = "") -> int:
    """One sheet in openpyxl's write-only mode (rows go to disk as they come: flat memory) with the
    same cells as export_dataset's XLSX: neutralised text, typed numbers and Danish dates, a bold
    frozen header; the widths are measured on the first XLSX_WIDTH_SAMPLE rows. Writes to `out` (a
    path or a binary file) and returns the number of rows written (the header not counted)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Ark")[:31])
    header = [_xlsx_cell(neutralise_cell(value))[0] for value in header]
    rows = iter(rows)
    sample = list(itertools.islice(rows, XLSX_WIDTH_SAMPLE))
    widths = [_shown_width(value) for value in header]
    for row in sample:
        for column, raw in enumerate(row):
            shown = _shown_width(_xlsx_cell(neutralise_cell(raw))[0])
            if column < len(widths):
                widths[column] = max(widths[column], shown)
            else:
                widths.append(shown)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(width, 8) + 2
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    count = 0
    for row in itertools.chain(sample, rows):
        cells = []
        for raw in row:
            value, number_format = _xlsx_cell(neutralise_cell(raw))
            if number_format:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count


def export_dataset(dataset: tablib.Dataset, fmt: str) -> tuple[bytes, str]:
    """(file content, content type) of a neutralised dataset: 'xlsx' with typed cells, or 'csv' for
    Danish Excel (';' separated, a UTF-8 BOM, decimal commas, Danish dates). Every spreadsheet export
    goes out through here."""
    safe = neutralise_dataset(dataset)
    if fmt == "csv":
        safe = tablib.Dataset(
            *([_csv_value(value) for value in row] for row in safe), headers=safe.headers, title=safe.title
        )
        return ("\ufeff" + safe.export("csv", delimiter=";")).encode("utf-8"), CSV_CONTENT_TYPE
    if fmt == "xlsx":
        return _xlsx(safe), XLSX_CONTENT_TYPE
    raise ValueError(f"Unknown spreadsheet format: {fmt!r}")


__all__ = [
    "aware_datetime",
    "csv_chunks",
    "write_xlsx",
    "export_dataset",
    "local_datetime",
    "neutralise_cell",
    "neutralise_dataset",
    "neutralise_row",
    "neutralise_rows",
    "plain_decimal",
    "unneutralise_cell",
    "unneutralise_dataset",
]
