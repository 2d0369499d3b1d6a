"""The catalogue export carries no live formulas (security finding 6), and export → import leaves the
catalogue unchanged: the apostrophe the export puts in front of a formula-like text is removed again."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Session
from activities.resources import catalogue_export, catalogue_import
from tests.activities.service_factories import make_activity, make_session, provider
from tests.helpers import login

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    " =1+2",  # a formula character after leading whitespace
]
# A leading tab or carriage return cannot reach these single-line fields (they refuse control
# characters); tests/ligepraksis/test_spreadsheets.py covers them in the helper.
PAYLOAD_IDS = ["equals", "plus", "minus", "at", "space"]
TEXT_COLUMNS = ("title", "provider", "description", "place")


def _start(days: int) -> dt.datetime:
    """A start on the minute, as the spreadsheet shows it (so the import finds the session again)."""
    day = timezone.localtime() + dt.timedelta(days=days)
    return day.replace(hour=13, minute=0, second=0, microsecond=0)


def _hostile_session(round_obj, payload):
    """A session whose activity title, provider, description and place are all formula-like."""
    activity = make_activity(
        round_obj, org=provider(payload), title=payload, description=payload, hours="1.5"
    )
    return make_session(activity, starts_at=_start(14), capacity=20, place=payload)


def _xlsx_rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_xlsx_catalogue_writes_formula_like_texts_as_inert_text_and_numbers_as_numbers(closed_round, payload):
    _hostile_session(closed_round, payload)
    content, _type = catalogue_export(closed_round, "xlsx")
    (row,) = _xlsx_rows(content)
    for column in TEXT_COLUMNS:
        assert row[column].data_type == "s", column
        assert row[column].value == "'" + payload, column
    assert not any(cell.data_type == "f" for cell in row.values())
    assert (row["hours"].data_type, row["hours"].value) == ("n", 1.5)
    assert (row["capacity"].data_type, row["capacity"].value) == ("n", 20)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_csv_catalogue_writes_formula_like_texts_with_a_leading_apostrophe(closed_round, payload):
    _hostile_session(closed_round, payload)
    content, _type = catalogue_export(closed_round, "csv")
    (row,) = _csv_rows(content)
    for column in TEXT_COLUMNS:
        assert row[column].startswith("'"), column
        assert row[column] == "'" + payload, column
    assert row["hours"] == "1,5" and row["capacity"] == "20"


@pytest.mark.django_db
def test_the_leaders_download_is_neutralised_too(client, closed_round, leader):
    _hostile_session(closed_round, "=1+2")
    login(client, leader)
    url = reverse("activities:catalogue_export", args=[closed_round.pk])
    (xlsx_row,) = _xlsx_rows(client.get(url, {"format": "xlsx"}).content)
    assert xlsx_row["title"].data_type == "s" and xlsx_row["title"].value == "'=1+2"
    (csv_row,) = _csv_rows(client.get(url, {"format": "csv"}).content)
    assert csv_row["title"] == "'=1+2"


def _catalogue(round_obj) -> list[tuple]:
    return sorted(
        Session.objects.filter(activity__round=round_obj).values_list(
            "activity__title",
            "activity__description",
            "activity__provider__name",
            "activity__hours",
            "place",
            "capacity",
            "starts_at",
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_leaves_the_catalogue_unchanged(closed_round, fmt):
    org = provider("@Udbyder")
    for days, title in ((14, "=1+2"), (21, "-Foredrag")):
        activity = make_activity(closed_round, org=org, title=title, description="+ring", hours="1.5")
        make_session(activity, starts_at=_start(days), capacity=12, place="-Aarhus")
    before = _catalogue(closed_round)
    activities = Activity.objects.count()

    content, _type = catalogue_export(closed_round, fmt)
    rows = _xlsx_rows(content) if fmt == "xlsx" else _csv_rows(content)
    cell = (lambda v: v.value) if fmt == "xlsx" else (lambda v: v)
    assert sorted(cell(r["title"]) for r in rows) == ["'-Foredrag", "'=1+2"]  # inert in the file

    result = catalogue_import(round_obj=closed_round, content=content, filename=f"k.{fmt}", dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals.get("new", 0) == 0 and result.totals.get("update", 0) == 2
    assert _catalogue(closed_round) == before  # no apostrophe kept, nothing duplicated
    assert Activity.objects.count() == activities

    again, _type = catalogue_export(closed_round, fmt)
    rows_again = _xlsx_rows(again) if fmt == "xlsx" else _csv_rows(again)
    assert sorted(cell(r["title"]) for r in rows_again) == ["'-Foredrag", "'=1+2"]  # not ''=1+2
