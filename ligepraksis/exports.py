"""The one way a spreadsheet export leaves the portal: CSV streamed row by row, XLSX made at once
below a row count and in the worker above it.

An app describes an export as a `Table` (a title, the header in the active language, the rows as a
lazy iterator of typed values, a count) and registers it as a file kind
(`ligepraksis.registry.file_kind(name, allowed=..., table=...)`, in the app's ``portal.py``). Its
view loads what the user may see through its permission helper and calls `respond`:

- CSV: a StreamingHttpResponse over `spreadsheets.csv_chunks` (every cell neutralised), so the rows
  are read with ``.iterator(chunk_size=...)`` and never held together;
- XLSX with at most settings.EXPORT_XLSX_WORKER_ROWS rows: written at once in openpyxl's write-only
  mode (`spreadsheets.write_xlsx`);
- XLSX above that: a `FileJob` row (queued) and the worker task, queued after commit; the user is
  sent to the job's page, which shows the status and the download (ligepraksis/filejobs.py).

Every file response carries ``Cache-Control: private, no-store`` (PrivatePagesNotCachedMiddleware
sets it too; the export sets it itself so a streamed file never depends on the middleware order).

A table's rows must not run a query per row or per chunk: aggregates are fetched once, before the
rows (one query each), and looked up in a dict, so the number of queries is the same for 5 and for
250 rows, across the iterator's chunks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation

from ligepraksis import spreadsheets
from ligepraksis.registry import registry

CACHE_CONTROL = "private, no-store"  # the value of ligepraksis.middleware.PrivatePagesNotCachedMiddleware


@dataclass
class Table:
    """A spreadsheet export: `rows` is iterated once, lazily; `count()` is one query (the threshold)."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    count: Callable[[], int]
    basename: str  # the file's name without the time stamp and the extension: "ansoegninger-2026"


def chunk_size() -> int:
    """Rows per fetch for ``.iterator(chunk_size=...)`` in the tables' row generators (a setting, so the
    query-count tests can make 250 rows cross it)."""
    return settings.EXPORT_CHUNK_ROWS


def round_leaders(user, params: dict) -> bool:
    """Who may have a round's export (`params["round"]`): the round's project leaders."""
    from ligepraksis.permissions import is_leader_of_round_id

    return is_leader_of_round_id(user, params.get("round"))


def filename(basename: str, fmt: str, *, now: dt.datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M")
    return f"{basename}-{stamp}.{fmt}"


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = CACHE_CONTROL
    return response


def csv_response(table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        spreadsheets.csv_chunks(table.header, table.rows), content_type=spreadsheets.CSV_CONTENT_TYPE
    )
    return _attachment(response, filename(table.basename, "csv"))


def xlsx_bytes(table: Table) -> bytes:
    out = io.BytesIO()
    spreadsheets.write_xlsx(table.header, table.rows, out, title=table.title)
    return out.getvalue()


def xlsx_response(table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    return _attachment(response, filename(table.basename, "xlsx"))


def respond(request, *, kind: str, params: dict, fmt: str):
    """The export `kind` (registered by its app) for `params` as CSV or XLSX (see the module text).

    The caller has checked that the user may have it (its permission helper)."""
    from ligepraksis import filejobs

    table = registry.file_kinds[kind].table(params)
    if fmt == "csv":
        return csv_response(table)
    if fmt != "xlsx":
        raise ValueError(f"Unknown spreadsheet format: {fmt!r}")
    if table.count() <= settings.EXPORT_XLSX_WORKER_ROWS:
        return xlsx_response(table)
    with transaction.atomic():
        job = filejobs.file_job_create(
            kind=kind,
            params={**params, "language": translation.get_language()},
            user=request.user,
            filename=filename(table.basename, "xlsx"),
        )
    return redirect("file_job", pk=job.pk)


__all__ = ["CACHE_CONTROL", "chunk_size", "Table", "csv_response", "respond", "xlsx_bytes"]
