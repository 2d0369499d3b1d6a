"""The leaders' export: provider and CVR numbers stay text, counts and capacities are numbers, scores and
recommendations are there, and no name reaches the spreadsheet as a live formula."""

import csv
import io

import openpyxl
import pytest

from applications import services
from applications.exports import export_applications
from ligepraksis.models import Area, Municipality
from practices.models import ProviderNumber
from tests.conftest import make_application


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
    assert row["Gennemsnit"].value == "4,50"
    assert row["Gns. Motivation"].value == "4,00"
    assert row["Gns. Patientgrundlag"].value == "5,00"
    assert row["Indstilling"].value
    assert sheet.max_row == 2


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
