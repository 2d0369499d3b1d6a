"""Spreadsheet export of a round's applications with scores, row by row (ligepraksis/exports.py).

The rows are read with ``values_list(...).iterator(chunk_size=...)`` from the one queryset of
`selectors.applications_for_round` (its mean score, review count, latest recommendation and
waiting-list rank are annotations of that query); what a row needs from other tables (provider
numbers, the mean per criterion, the round's areas) is fetched once, before the rows, and looked up
in a dict. So the number of queries is the same for 5 and for 250 applications, whatever the chunk
size (django-import-export paged through its prefetch in chunks of 100, running it again for each).

Provider and CVR numbers are text (a leading zero survives); capacities, counts, mean scores and
positions are numbers and the submission time a date cell in Danish time (typed cells in XLSX; a
decimal comma and 22.11.2026 14:30 in CSV). Column names follow the active language. Every cell goes
through ligepraksis.spreadsheets' neutraliser, so no text reaches the spreadsheet as a formula.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import pgettext, pgettext_lazy

from applications import selectors
from applications.models import ApplicationStatus, Recommendation
from ligepraksis import exports, spreadsheets
from ligepraksis.exports import Table, chunk_size
from ligepraksis.models import ProgrammeRound
from practices.models import PracticeType, ProviderNumber

KIND = "applications.export"

COLUMNS = (
    pgettext_lazy("export column", "Practice"),
    pgettext_lazy("export column", "Provider numbers"),
    pgettext_lazy("export column", "CVR"),
    pgettext_lazy("export column", "Municipality"),
    pgettext_lazy("export column", "Area"),
    pgettext_lazy("export column", "Practice form"),
    pgettext_lazy("export column", "Doctor capacities"),
    pgettext_lazy("export column", "Practice staff"),
    pgettext_lazy("export column", "Listed patients"),
    pgettext_lazy("export column", "Status"),
    pgettext_lazy("export column", "Submitted"),
    pgettext_lazy("export column", "Number of reviews"),
    pgettext_lazy("export column", "Mean score"),
    pgettext_lazy("export column", "Recommendation"),
    # The rank among those still waiting (1, 2, 3 without gaps), as on the pages and in the e-mail.
    pgettext_lazy("export column", "Waiting list no."),
)

_FIELDS = (
    "pk",
    "practice__name",
    "practice_id",
    "practice__cvr",
    "practice__municipality__name",
    "practice__municipality_id",
    "practice__form",
    "practice__doctor_capacities",
    "practice__staff_count",
    "practice__listed_patients",
    "status",
    "submitted_at",
    "review_count",
    "mean_score",
    "recommendation",
    "waitlist_rank",
)


def _provider_numbers(round_obj: ProgrammeRound) -> dict[int, str]:
    """practice id -> "012345, 067890" for the round's practices (one query)."""
    numbers: dict[int, list[str]] = defaultdict(list)
    rows = (
        ProviderNumber.objects.filter(practice__applications__round=round_obj)
        .order_by("practice_id", "pk")
        .values_list("practice_id", "number")  # one application per practice and round: no repeats
    )
    for practice_id, number in rows:
        numbers[practice_id].append(number)
    return {pk: ", ".join(found) for pk, found in numbers.items()}


def _rows(round_obj: ProgrammeRound, criteria: list):
    groups = selectors.round_groups(round_obj)
    means = selectors.criterion_means(round_obj)
    numbers = _provider_numbers(round_obj)
    statuses = {value: str(label) for value, label in ApplicationStatus.choices}
    forms = {value: str(label) for value, label in PracticeType.choices}
    outcomes = {value: str(label) for value, label in Recommendation.Outcome.choices}
    queryset = selectors.applications_for_round(round_obj).prefetch_related(None).values_list(*_FIELDS)
    for (
        pk,
        name,
        practice_id,
        cvr,
        municipality,
        municipality_id,
        form,
        capacities,
        staff,
        patients,
        status,
        submitted_at,
        review_count,
        mean_score,
        recommendation,
        waitlist_rank,
    ) in queryset.iterator(chunk_size=chunk_size()):
        scores = means.get(pk, {})
        yield [
            name,
            numbers.get(practice_id, ""),
            cvr,
            municipality,
            groups.area_of_municipality.get(municipality_id) or "",
            forms.get(form, form),
            capacities,  # a Decimal: a number in XLSX, "1,5" in CSV
            staff,
            patients,
            statuses.get(status, status),
            submitted_at,  # aware; a date cell in Danish time
            review_count,
            selectors._mean(mean_score),  # a Decimal with two places: 4,50 in Danish Excel
            outcomes.get(recommendation, recommendation) if recommendation else "",
            waitlist_rank,
            *(scores.get(c.pk) for c in criteria),
        ]


def applications_table(round_obj: ProgrammeRound) -> Table:
    criteria = list(round_obj.criteria.all())
    header = [
        *(str(c) for c in COLUMNS),
        *(pgettext("export column", "Mean %(criterion)s") % {"criterion": c.name} for c in criteria),
    ]
    return Table(
        title=pgettext("export sheet", "Applications"),
        header=header,
        rows=_rows(round_obj, criteria),
        count=lambda: selectors.applications_for_round(round_obj).prefetch_related(None).order_by().count(),
        basename=f"ansoegninger-{round_obj.year}",
    )


def table_for_params(params: dict) -> Table:
    return applications_table(ProgrammeRound.objects.get(pk=params["round"]))


def export_applications(round_obj, fmt: str) -> tuple[bytes, str]:
    """(file content, content type) for 'xlsx' or 'csv', made at once (tests, small files); the page
    streams CSV and sends large XLSX files to the worker (ligepraksis.exports.respond)."""
    table = applications_table(round_obj)
    if fmt == "csv":
        return b"".join(spreadsheets.csv_chunks(table.header, table.rows)), spreadsheets.CSV_CONTENT_TYPE
    if fmt == "xlsx":
        return exports.xlsx_bytes(table), spreadsheets.XLSX_CONTENT_TYPE
    raise ValueError(f"Unknown spreadsheet format: {fmt!r}")


__all__ = ["KIND", "applications_table", "export_applications", "table_for_params"]
