"""The leaders' export: provider and CVR numbers stay text, scores and recommendations are there."""

import csv
import io

import openpyxl
import pytest

from applications import services
from applications.exports import export_applications
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
