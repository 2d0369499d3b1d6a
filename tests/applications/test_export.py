"""The leaders' export: provider and CVR numbers stay text, counts, capacities and scores are numbers, the
submission time a date cell in Danish time, recommendations are there, and no name reaches the
spreadsheet as a live formula."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation

from applications import services
from applications.exports import export_applications
from applications.models import Application
from ligepraksis.models import Area, Municipality
from practices.models import Practice, ProviderNumber
from tests.conftest import make_application


@pytest.fixture(autouse=True)
def _danish():
    """The column names follow the active language: Danish here, whatever an earlier test left active."""
    with translation.override("da"):
        yield


@pytest.fixture
def scored_app(closed_round, steering):
    app = make_application(closed_round)
    ProviderNumber.objects.filter(practice=app.practice).update(number="012345")
    scores = {c.pk: (v, "") for c, v in zip(closed_round.criteria.all(), (4, 5), strict=True)}
    services.review_save(application=app, reviewer=steering, scores=scores, comment="", conflict=False)
    services.recommendation_record(application=app, user=steering, outcome="select", reason="")
    return app


@pytest.mark.django_db
def test_xlsx_keeps_the_leading_zero_of_a_provider_number_as_text(closed_round, scored_app):
    content, content_type = export_applications(closed_round, "xlsx")
    assert "spreadsheetml" in content_type
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["Ydernumre"].value == "012345"
    assert row["Ydernumre"].data_type == "s"
    assert row["CVR"].value == scored_app.practice.cvr and row["CVR"].data_type == "s"
    # Scores are numbers with two decimals in the cell's format (4,50 in Danish Excel).
    assert (row["Gennemsnit"].data_type, row["Gennemsnit"].value) == ("n", 4.5)
    assert row["Gennemsnit"].number_format == "#,##0.00"
    assert (row["Gns. Motivation"].data_type, row["Gns. Motivation"].value) == ("n", 4)
    assert (row["Gns. Patientgrundlag"].data_type, row["Gns. Patientgrundlag"].value) == ("n", 5)
    assert row["Indstilling"].value
    assert sheet.max_row == 2


UTC = dt.UTC


def _xlsx_by_practice(content: bytes) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    rows = [{h: c for h, c in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2)]
    return {row["Praksis"].value: row for row in rows}


@pytest.fixture
def summer_and_winter(closed_round, scored_app):
    """Two applications submitted at 08:30 UTC: in winter (09:30 in Copenhagen) and in summer (10:30),
    with a CVR number and a provider number that begin with a zero."""
    winter = scored_app
    summer = make_application(closed_round, name="Sommerpraksis")
    Application.objects.filter(pk=winter.pk).update(submitted_at=dt.datetime(2026, 1, 15, 8, 30, tzinfo=UTC))
    Application.objects.filter(pk=summer.pk).update(submitted_at=dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    Practice.objects.filter(pk=summer.practice_id).update(cvr="01234567")
    ProviderNumber.objects.filter(practice=summer.practice).update(number="000123")
    return winter, summer


@pytest.mark.django_db
def test_xlsx_has_date_cells_in_danish_time_across_summer_time_and_numbers_as_numbers(
    closed_round, summer_and_winter
):
    winter, summer = summer_and_winter
    rows = _xlsx_by_practice(export_applications(closed_round, "xlsx")[0])
    winter_row, summer_row = rows[winter.practice.name], rows["Sommerpraksis"]
    for row in (winter_row, summer_row):
        assert isinstance(row["Indsendt"].value, dt.datetime) and row["Indsendt"].value.tzinfo is None
        assert row["Indsendt"].number_format == "dd.mm.yyyy hh:mm"
        for column in ("Lægekapaciteter", "Praksispersonale", "Tilmeldte patienter", "Antal vurderinger"):
            assert row[column].data_type == "n", column
    assert winter_row["Indsendt"].value == dt.datetime(2026, 1, 15, 9, 30)  # CET, UTC+1
    assert summer_row["Indsendt"].value == dt.datetime(2026, 7, 1, 10, 30)  # CEST, UTC+2
    # Text stays text, leading zeros and all.
    assert (summer_row["CVR"].data_type, summer_row["CVR"].value) == ("s", "01234567")
    assert (summer_row["Ydernumre"].data_type, summer_row["Ydernumre"].value) == ("s", "000123")
    # An application nobody has scored has empty score cells, not zeros or text.
    assert summer_row["Gennemsnit"].value is None and summer_row["Antal vurderinger"].value == 0


@pytest.mark.django_db
def test_csv_has_the_same_values_as_danish_text(closed_round, summer_and_winter):
    winter, _summer = summer_and_winter
    content, _type = export_applications(closed_round, "csv")
    rows = {r["Praksis"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")}
    assert rows[winter.practice.name]["Indsendt"] == "15.01.2026 09:30"
    assert rows["Sommerpraksis"]["Indsendt"] == "01.07.2026 10:30"
    assert rows[winter.practice.name]["Gennemsnit"] == "4,50"
    assert rows[winter.practice.name]["Gns. Motivation"] == "4,00"
    assert rows["Sommerpraksis"]["CVR"] == "01234567" and rows["Sommerpraksis"]["Ydernumre"] == "000123"
    assert rows["Sommerpraksis"]["Gennemsnit"] == ""


@pytest.mark.django_db
def test_the_column_names_follow_the_language(closed_round, scored_app):
    with translation.override("en"):
        content, _type = export_applications(closed_round, "csv")
    header = content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:3] == ["Practice", "Provider numbers", "CVR"]
    assert "Mean score" in header and "Mean Motivation" in header


@pytest.mark.django_db
def test_csv_opens_in_danish_excel_with_semicolons_and_a_bom(closed_round, scored_app):
    content, content_type = export_applications(closed_round, "csv")
    assert content_type.startswith("text/csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1
    assert rows[0]["Ydernumre"] == "012345"
    assert rows[0]["Praksis"] == scored_app.practice.name


# --- No live formulas (security finding 6: spreadsheet formula injection) --------------------------

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
TEXT_COLUMNS = ("Praksis", "Kommune", "Område")


@pytest.fixture
def hostile_app(closed_round, steering):
    """An application whose practice, municipality and area names are all formula-like."""

    def make(payload):
        app = make_application(closed_round, name=payload, capacities="1.5")
        Municipality.objects.filter(pk=app.practice.municipality_id).update(name=payload)
        Area.objects.filter(round=closed_round, municipalities=app.practice.municipality_id).update(
            name=payload
        )
        scores = {c.pk: (4, "") for c in closed_round.criteria.all()}
        services.review_save(application=app, reviewer=steering, scores=scores, comment="", conflict=False)
        return app

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_xlsx_writes_formula_like_names_as_inert_text_and_numbers_as_numbers(
    closed_round, hostile_app, payload
):
    hostile_app(payload)
    content, _type = export_applications(closed_round, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    for column in TEXT_COLUMNS:
        assert row[column].data_type == "s", column
        assert row[column].value == "'" + payload, column
    assert not any(cell.data_type == "f" for cell in sheet[2])
    assert (row["Lægekapaciteter"].data_type, row["Lægekapaciteter"].value) == ("n", 1.5)
    assert (row["Praksispersonale"].data_type, row["Praksispersonale"].value) == ("n", 3)
    assert (row["Tilmeldte patienter"].data_type, row["Tilmeldte patienter"].value) == ("n", 1600)
    assert (row["Antal vurderinger"].data_type, row["Antal vurderinger"].value) == ("n", 1)
    assert row["Ydernumre"].data_type == "s"  # text with its leading zeros, as before


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_csv_writes_formula_like_names_with_a_leading_apostrophe(closed_round, hostile_app, payload):
    hostile_app(payload)
    content, _type = export_applications(closed_round, "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1
    for column in TEXT_COLUMNS:
        assert rows[0][column].startswith("'"), column
        assert rows[0][column] == "'" + payload, column
    # Numbers as Danish Excel reads them, unchanged from before.
    assert rows[0]["Lægekapaciteter"] == "1,5"
    assert rows[0]["Tilmeldte patienter"] == "1600"
    assert rows[0]["Antal vurderinger"] == "1"
