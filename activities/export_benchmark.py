"""`manage.py benchmark_export`: the streamed CSV export of a round's sign-ups and attendance
(`activities.exports.signups_table` through `ligepraksis.exports.csv_response`, the response the
export view returns) against plain `csv.writer` writing the same rows, read with `values_list` from the
same query, in the same run (a benchmark, not a test).

The national data set holds about 28,000 sign-ups in its main round. To measure at a size no round
reaches yet, `--rows` fills the round up with synthetic sign-ups (pairs of the round's sessions and its
region's practice people that have none, in every state) inside a transaction that is rolled back at
the end: the database is left as it was. The two ways are run in turn (export, baseline, export, ...)
and the medians compared; a separate pass measures the export's peak Python memory with tracemalloc at
two sizes, to show it stays flat as the rows grow, and the same for the worker's XLSX (openpyxl's
write-only mode).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from activities.exports import SIGNUP_FIELDS, _registrations, signups_table
from activities.models import Registration, RegistrationStatus, Session
from ligepraksis import spreadsheets
from ligepraksis.exports import chunk_size, csv_response
from ligepraksis.models import ProgrammeRound
from practices.models import Membership


class _Sink:
    """A file that counts what is written and keeps nothing."""

    def __init__(self):
        self.size = 0

    def write(self, text):
        self.size += len(text)
        return len(text)


def baseline(round_obj) -> tuple[int, int]:
    """csv.writer over values_list of the export's query: (rows, characters)."""
    sink = _Sink()
    writer = csv.writer(sink, delimiter=";")
    rows = _registrations(round_obj).values_list(*SIGNUP_FIELDS).iterator(chunk_size=chunk_size())
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n, sink.size


def export(round_obj) -> tuple[int, int]:
    """The export view's streamed response, consumed piece by piece: (rows, bytes)."""
    response = csv_response(signups_table(round_obj))
    size = lines = 0
    for piece in response.streaming_content:
        size += len(piece)
        lines += piece.count(b"\n")
    return lines - 1, size  # less the header


def biggest_round() -> ProgrammeRound:
    found = (
        ProgrammeRound.objects.annotate(n=Count("activities__sessions__registrations"))
        .order_by("-n", "pk")
        .first()
    )
    if found is None:
        raise ValueError("No round in the database: run `manage.py national_data` (or demo_data) first.")
    return found


def fill(round_obj, rows: int, *, log=print) -> int:
    """Add synthetic sign-ups until the round has `rows` (call inside a transaction that is rolled
    back). Returns how many were added."""
    have = _registrations(round_obj).count()
    missing = rows - have
    if missing <= 0:
        return 0
    sessions = list(
        Session.objects.filter(activity__round=round_obj).order_by("pk").values_list("pk", flat=True)
    )
    people = list(
        Membership.objects.filter(practice__municipality__region=round_obj.region, ended_on__isnull=True)
        .order_by("pk")
        .values_list("person_id", "practice_id")
    )
    if not sessions or not people:
        raise ValueError("The round has no sessions or its region no practice people to sign up.")
    taken = set(
        Registration.objects.filter(session__activity__round=round_obj)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("session_id", "person_id")
    )
    now = timezone.now()
    states = itertools.cycle(
        [
            (RegistrationStatus.CONFIRMED, True),
            (RegistrationStatus.CONFIRMED, True),
            (RegistrationStatus.CONFIRMED, False),
            (RegistrationStatus.CONFIRMED, None),
            (RegistrationStatus.WAITLISTED, None),
            (RegistrationStatus.CANCELLED, None),
        ]
    )
    batch, added = [], 0
    for person, practice in people:  # people first, so every session gets a share
        for session in sessions:
            if added >= missing:
                break
            if (session, person) in taken:
                continue
            status, attended = next(states)
            batch.append(
                Registration(
                    session_id=session,
                    person_id=person,
                    practice_id=practice,
                    status=status,
                    attended=attended,
                    created_at=now,
                    cancelled_at=now if status == RegistrationStatus.CANCELLED else None,
                )
            )
            added += 1
            if len(batch) == 5000:
                Registration.objects.bulk_create(batch)
                batch = []
        if added >= missing:
            break
    Registration.objects.bulk_create(batch)
    log(f"added {added:,} synthetic sign-ups (rolled back at the end)")
    return added


@dataclass
class Result:
    round_name: str
    rows: int
    export_bytes: int
    export_s: list[float]
    baseline_s: list[float]
    peak_small: int
    peak_large: int
    small_rows: int
    xlsx_small: int = 0
    xlsx_large: int = 0

    @property
    def ratio(self) -> float:
        return statistics.median(self.export_s) / statistics.median(self.baseline_s)


def _timed(fn, round_obj):
    start = time.perf_counter()
    out = fn(round_obj)
    return time.perf_counter() - start, out


def _peak(round_obj) -> int:
    tracemalloc.start()
    try:
        export(round_obj)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(*, round_obj=None, rows: int = 100_000, repeat: int = 3, xlsx: bool = True, log=print) -> Result:
    with transaction.atomic():  # PostgreSQL's .iterator() cursors and the synthetic rows need one
        round_obj = round_obj or biggest_round()
        fill(round_obj, rows, log=log)
        small_rows = max(rows // 10, 1)
        peak_small = _peak_limited(round_obj, small_rows)
        export_s, baseline_s = [], []
        n_export = n_base = size = 0
        for _ in range(repeat):
            t, (n_export, size) = _timed(export, round_obj)
            export_s.append(t)
            t, (n_base, _chars) = _timed(baseline, round_obj)
            baseline_s.append(t)
        if n_export != n_base:
            raise AssertionError(f"The export wrote {n_export} rows, the baseline {n_base}.")
        peak_large = _peak(round_obj)
        xlsx_small = _peak_limited(round_obj, small_rows, _xlsx_peak) if xlsx else 0
        xlsx_large = _xlsx_peak(round_obj) if xlsx else 0
        transaction.set_rollback(True)
    return Result(
        round_obj.name,
        n_export,
        size,
        export_s,
        baseline_s,
        peak_small,
        peak_large,
        small_rows,
        xlsx_small,
        xlsx_large,
    )


def _xlsx_peak(round_obj) -> int:
    """Peak Python memory of the worker's XLSX of the sign-ups (openpyxl's write-only mode, written to
    a temporary file as `ligepraksis.filejobs` does)."""
    tracemalloc.start()
    try:
        with tempfile.TemporaryFile() as out:
            table = signups_table(round_obj)
            spreadsheets.write_xlsx(table.header, table.rows, out, title=table.title)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _peak_limited(round_obj, rows: int, measure=_peak) -> int:
    """Peak memory of `measure` (the CSV export by default) over the round's first `rows` sign-ups."""
    from unittest import mock

    from activities import exports

    original = exports._registrations
    with mock.patch.object(exports, "_registrations", lambda r: original(r)[:rows]):
        return measure(round_obj)


def report(result: Result, *, now: dt.datetime | None = None) -> str:
    med_e, med_b = statistics.median(result.export_s), statistics.median(result.baseline_s)
    lines = [
        f"CSV export benchmark, {timezone.localtime(now or timezone.now()):%Y-%m-%d %H:%M %Z}: "
        f"the sign-ups and attendance export of {result.round_name}",
        f"rows: {result.rows:,}; file: {result.export_bytes / 1e6:.1f} MB",
        f"streamed export (csv_response(signups_table)): median {med_e:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in result.export_s)})",
        f"csv.writer over values_list of the same query: median {med_b:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in result.baseline_s)})",
        f"ratio: {result.ratio:.2f}x (target: at most 2x)",
        f"peak Python memory of the export (tracemalloc): {result.peak_small / 1e6:.1f} MB at "
        f"{result.small_rows:,} rows, {result.peak_large / 1e6:.1f} MB at {result.rows:,} rows",
    ]
    if result.xlsx_large:
        lines.append(
            f"peak Python memory of the worker's XLSX (openpyxl write-only, tracemalloc): "
            f"{result.xlsx_small / 1e6:.1f} MB at {result.small_rows:,} rows, "
            f"{result.xlsx_large / 1e6:.1f} MB at {result.rows:,} rows"
        )
    return "\n".join(lines)
