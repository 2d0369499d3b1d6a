"""The project leaders' spreadsheet exports of a round, row by row (ligepraksis/exports.py).

- the catalogue: one row per session with its activity's fields, in the columns the catalogue
  import reads (activities/resources.py has the columns, their names and the import);
- the sign-ups and attendance: one row per registration (session, activity, practice, provider
  numbers as text, person, status, attended, hours).

Rows are read with ``values_list(...).iterator(chunk_size=...)``; what a row needs from another
table (a practice's provider numbers) is fetched once before the rows and looked up in a dict, so
the number of queries does not grow with the rows, across the iterator's chunks. Cells are typed
values (numbers, aware datetimes); the core's writers neutralise text and write Danish CSV or XLSX.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from django.utils.translation import pgettext, pgettext_lazy

from activities.models import ActivityKind, Audience, Registration, RegistrationStatus, Session
from activities.resources import LABELS, _no, _yes
from ligepraksis.exports import Table, chunk_size, xlsx_bytes
from ligepraksis.models import ProgrammeRound
from ligepraksis.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_chunks, plain_decimal
from practices.models import ProviderNumber

CATALOGUE = "activities.catalogue"
SIGNUPS = "activities.signups"


# --- The catalogue --------------------------------------------------------------------------------


def _catalogue_sessions(round_obj):
    return Session.objects.filter(activity__round=round_obj).order_by("activity__title", "starts_at", "pk")


def _catalogue_rows(round_obj):
    kinds = {value: str(label) for value, label in ActivityKind.choices}
    audiences = {value: str(label) for value, label in Audience.choices}
    yes, no = _yes(), _no()
    rows = _catalogue_sessions(round_obj).values_list(
        "activity__title",
        "activity__kind",
        "activity__provider__name",
        "activity__description",
        "activity__audience",
        "activity__hours",
        "activity__online",
        "starts_at",
        "ends_at",
        "place",
        "online_link",
        "capacity",
        "signup_deadline",
    )
    for title, kind, provider, description, audience, hours, online, *session in rows.iterator(
        chunk_size=chunk_size()
    ):
        yield [
            title,
            kinds.get(kind, kind),
            provider,
            description,
            audiences.get(audience, audience),
            plain_decimal(hours),  # a number cell in XLSX, "1,5" in CSV
            yes if online else no,
            *session,  # starts, ends (date cells in Danish time), place, link, places, deadline
        ]


def catalogue_table(round_obj: ProgrammeRound) -> Table:
    return Table(
        title=str(pgettext_lazy("catalogue sheet", "Catalogue")),
        header=[str(label) for label in LABELS.values()],
        rows=_catalogue_rows(round_obj),
        count=lambda: _catalogue_sessions(round_obj).count(),
        basename=f"aktiviteter-{round_obj.year}",
    )


# --- Sign-ups and attendance ----------------------------------------------------------------------

SIGNUP_COLUMNS = (
    pgettext_lazy("sign-ups column", "Session starts"),
    pgettext_lazy("sign-ups column", "Activity"),
    pgettext_lazy("sign-ups column", "Practice"),
    pgettext_lazy("sign-ups column", "Provider numbers"),
    pgettext_lazy("sign-ups column", "Person"),
    pgettext_lazy("sign-ups column", "Status"),
    pgettext_lazy("sign-ups column", "Attended"),
    pgettext_lazy("sign-ups column", "Hours"),
)


# What a sign-up row reads, in order (manage.py benchmark_export's baseline reads the same).
SIGNUP_FIELDS = (
    "session__starts_at",
    "session__activity__title",
    "practice__name",
    "practice_id",
    "person__name",
    "status",
    "attended",
    "session__activity__hours",
)


def _registrations(round_obj):
    return Registration.objects.filter(session__activity__round=round_obj).order_by(
        "session__starts_at", "session__activity__title", "session_id", "practice__name", "person__name", "pk"
    )


def _provider_numbers(round_obj) -> dict[int, str]:
    """practice id -> "012345, 067890" for every practice with a sign-up in the round (one query)."""
    signed_up = Registration.objects.filter(session__activity__round=round_obj).values("practice_id")
    numbers: dict[int, list[str]] = defaultdict(list)
    for practice_id, number in (
        ProviderNumber.objects.filter(practice_id__in=signed_up)
        .order_by("practice_id", "pk")
        .values_list("practice_id", "number")
    ):
        numbers[practice_id].append(number)
    return {pk: ", ".join(found) for pk, found in numbers.items()}


def _signup_rows(round_obj):
    numbers = _provider_numbers(round_obj)
    statuses = {value: str(label) for value, label in RegistrationStatus.choices}
    yes, no = _yes(), _no()
    shown_hours = functools.lru_cache(maxsize=256)(plain_decimal)  # few distinct values, many rows
    rows = _registrations(round_obj).values_list(*SIGNUP_FIELDS)
    for starts, title, practice, practice_id, person, status, attended, hours in rows.iterator(
        chunk_size=chunk_size()
    ):
        yield [
            starts,  # a date cell in Danish time
            title,
            practice,
            numbers.get(practice_id, ""),  # text: a leading zero survives
            person,
            statuses.get(status, status),
            "" if attended is None else (yes if attended else no),
            shown_hours(hours) if attended else None,  # the activity's hours, for those who attended
        ]


def signups_table(round_obj: ProgrammeRound) -> Table:
    return Table(
        title=pgettext("export sheet", "Sign-ups"),
        header=[str(label) for label in SIGNUP_COLUMNS],
        rows=_signup_rows(round_obj),
        count=lambda: _registrations(round_obj).count(),
        basename=f"tilmeldinger-{round_obj.year}",
    )


def catalogue_export(round_obj, fmt: str) -> tuple[bytes, str]:
    """(file content, content type) in the active language, made at once (tests, small files); the
    page streams CSV and sends large XLSX files to the worker (ligepraksis.exports.respond)."""
    table = catalogue_table(round_obj)
    if fmt == "csv":
        return b"".join(csv_chunks(table.header, table.rows)), CSV_CONTENT_TYPE
    if fmt == "xlsx":
        return xlsx_bytes(table), XLSX_CONTENT_TYPE
    raise ValueError(f"Unknown spreadsheet format: {fmt!r}")


def catalogue_for_params(params: dict) -> Table:
    return catalogue_table(ProgrammeRound.objects.get(pk=params["round"]))


def signups_for_params(params: dict) -> Table:
    return signups_table(ProgrammeRound.objects.get(pk=params["round"]))


__all__ = ["CATALOGUE", "SIGNUPS", "catalogue_export", "catalogue_table", "signups_table"]
