"""The catalogue export carries no live formulas (security finding 6), and export → import leaves the
catalogue unchanged: the apostrophe the export puts in front of a formula-like text is removed again.

The file has Danish column names and values, number cells and date cells in Danish time, and the
import reads exactly what the export writes: a round trip reports no changes."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from activities.exports import catalogue_export
from activities.models import Activity, ActivityKind, Audience, Session
from activities.resources import catalogue_import, import_problems
from tests.activities.service_factories import make_activity, make_session, provider
from tests.helpers import body, login


@pytest.fixture(autouse=True)
def _danish():
    """The export speaks the active language: Danish here, whatever an earlier test left active."""
    with translation.override("da"):
        yield


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
TEXT_COLUMNS = ("Titel", "Udbyder", "Beskrivelse", "Sted")


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
    assert (row["Timer"].data_type, row["Timer"].value) == ("n", 1.5)
    assert (row["Pladser"].data_type, row["Pladser"].value) == ("n", 20)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_csv_catalogue_writes_formula_like_texts_with_a_leading_apostrophe(closed_round, payload):
    _hostile_session(closed_round, payload)
    content, _type = catalogue_export(closed_round, "csv")
    (row,) = _csv_rows(content)
    for column in TEXT_COLUMNS:
        assert row[column].startswith("'"), column
        assert row[column] == "'" + payload, column
    assert row["Timer"] == "1,5" and row["Pladser"] == "20"


@pytest.mark.django_db
def test_the_leaders_download_is_neutralised_too(client, closed_round, leader):
    _hostile_session(closed_round, "=1+2")
    login(client, leader)
    url = reverse("activities:catalogue_export", args=[closed_round.pk])
    (xlsx_row,) = _xlsx_rows(body(client.get(url, {"format": "xlsx"})))
    assert xlsx_row["Titel"].data_type == "s" and xlsx_row["Titel"].value == "'=1+2"
    (csv_row,) = _csv_rows(body(client.get(url, {"format": "csv"})))
    assert csv_row["Titel"] == "'=1+2"


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
    assert sorted(cell(r["Titel"]) for r in rows) == ["'-Foredrag", "'=1+2"]  # inert in the file

    result = catalogue_import(round_obj=closed_round, content=content, filename=f"k.{fmt}", dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals.get("new", 0) == 0 and result.totals.get("update", 0) == 0  # nothing changed
    assert result.totals.get("skip", 0) == 2
    assert _catalogue(closed_round) == before  # no apostrophe kept, nothing duplicated
    assert Activity.objects.count() == activities

    again, _type = catalogue_export(closed_round, fmt)
    rows_again = _xlsx_rows(again) if fmt == "xlsx" else _csv_rows(again)
    assert sorted(cell(r["Titel"]) for r in rows_again) == ["'-Foredrag", "'=1+2"]  # not ''=1+2


# --- Danish columns and values, typed cells, and a round trip that reports no changes -------------

DANISH_HEADER = [
    "Titel",
    "Type",
    "Udbyder",
    "Beskrivelse",
    "Målgruppe",
    "Timer",
    "Online",
    "Starter",
    "Slutter",
    "Sted",
    "Onlinelink",
    "Pladser",
    "Tilmeldingsfrist",
]
UTC = dt.UTC


def _varied_catalogue(round_obj):
    """Sessions in winter and in summer time, of kinds that count and kinds that do not, online and not."""
    org = provider("VIA Efteruddannelse")
    course = make_activity(
        round_obj,
        org=org,
        title="Kursus i motiverende samtale",
        kind=ActivityKind.COURSE,
        audience=Audience.BOTH,
        online=False,
        description="Tre timer\nmed øvelser",
        hours="3",
    )
    # 12:00 UTC in January is 13:00 in Copenhagen (CET); 11:00 UTC in June is 13:00 (CEST).
    make_session(course, starts_at=dt.datetime(2027, 1, 12, 12, 0, tzinfo=UTC), place="Aarhus", capacity=20)
    make_session(course, starts_at=dt.datetime(2027, 6, 15, 11, 0, tzinfo=UTC), place="Viborg", capacity=8)
    startup = make_activity(
        round_obj,
        org=org,
        title="Opstartsmøde",
        kind=ActivityKind.STARTUP,
        audience=Audience.DOCTORS,
        hours="1.5",
    )
    make_session(
        startup,
        starts_at=dt.datetime(2027, 3, 2, 15, 30, tzinfo=UTC),
        online_link="https://møde.example.org/opstart",
        capacity=100,
    )
    theme = make_activity(
        round_obj,
        org=org,
        title="Temapraksisdag",
        kind=ActivityKind.THEME_DAY,
        audience=Audience.STAFF,
        online=False,
        hours="6.25",
    )
    make_session(theme, starts_at=dt.datetime(2027, 10, 5, 7, 0, tzinfo=UTC), place="Herning", capacity=60)


def _full_catalogue(round_obj) -> list[tuple]:
    return sorted(
        Session.objects.filter(activity__round=round_obj).values_list(
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
    )


def _values(content: bytes, fmt: str) -> list[list]:
    """Every row of a file as plain values (the header included)."""
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [[c.value for c in row] for row in sheet.iter_rows()]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
def test_the_catalogue_export_has_danish_column_names_and_values(closed_round):
    _varied_catalogue(closed_round)
    content, _type = catalogue_export(closed_round, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == DANISH_HEADER  # and no "counts_toward_target" column
    rows = _xlsx_rows(content)
    assert {r["Titel"].value: r["Type"].value for r in rows} == {
        "Kursus i motiverende samtale": "Kursus",
        "Opstartsmøde": "Opstartsmøde",
        "Temapraksisdag": "Temapraksisdag",
    }
    assert {r["Målgruppe"].value for r in rows} == {"Læger og personale", "Læger", "Praksispersonale"}
    assert {r["Titel"].value: r["Online"].value for r in rows}["Opstartsmøde"] == "Ja"
    assert {r["Titel"].value: r["Online"].value for r in rows}["Temapraksisdag"] == "Nej"


@pytest.mark.django_db
def test_the_catalogue_export_follows_the_language(closed_round):
    _varied_catalogue(closed_round)
    with translation.override("en"):
        content, _type = catalogue_export(closed_round, "csv")
    rows = _csv_rows(content)
    assert list(rows[0]) == [
        "Title",
        "Type",
        "Provider",
        "Description",
        "Audience",
        "Hours",
        "Online",
        "Starts",
        "Ends",
        "Place",
        "Online link",
        "Places",
        "Sign-up deadline",
    ]
    assert {r["Type"] for r in rows} == {"Course", "Start-up meeting", "Theme day"}
    assert {r["Online"] for r in rows} == {"Yes", "No"}


@pytest.mark.django_db
def test_xlsx_catalogue_has_number_cells_and_date_cells_in_danish_time_across_summer_time(closed_round):
    _varied_catalogue(closed_round)
    rows = {
        (r["Titel"].value, r["Sted"].value): r for r in _xlsx_rows(catalogue_export(closed_round, "xlsx")[0])
    }
    winter = rows[("Kursus i motiverende samtale", "Aarhus")]
    summer = rows[("Kursus i motiverende samtale", "Viborg")]
    for row in (winter, summer):
        for column in ("Starter", "Slutter", "Tilmeldingsfrist"):
            assert row[column].is_date, column  # a date cell (openpyxl reads it back as type "d")
            assert isinstance(row[column].value, dt.datetime), column
            assert row[column].value.tzinfo is None, column
        assert row["Starter"].number_format == "dd.mm.yyyy hh:mm"
        assert (row["Timer"].data_type, row["Timer"].value) == ("n", 3)
        assert row["Pladser"].data_type == "n"
    # Both start at 13:00 on the clock in Copenhagen, one in CET (UTC+1), one in CEST (UTC+2).
    assert winter["Starter"].value == dt.datetime(2027, 1, 12, 13, 0)
    assert winter["Slutter"].value == dt.datetime(2027, 1, 12, 15, 0)
    assert summer["Starter"].value == dt.datetime(2027, 6, 15, 13, 0)
    assert summer["Tilmeldingsfrist"].value == dt.datetime(2027, 6, 14, 13, 0)
    theme = rows[("Temapraksisdag", "Herning")]
    assert theme["Starter"].value == dt.datetime(2027, 10, 5, 9, 0)
    assert (theme["Timer"].value, theme["Pladser"].value) == (6.25, 60)


@pytest.mark.django_db
def test_csv_catalogue_has_the_same_values_as_danish_text(closed_round):
    _varied_catalogue(closed_round)
    rows = {(r["Titel"], r["Sted"]): r for r in _csv_rows(catalogue_export(closed_round, "csv")[0])}
    summer = rows[("Kursus i motiverende samtale", "Viborg")]
    assert (summer["Starter"], summer["Slutter"], summer["Tilmeldingsfrist"]) == (
        "15.06.2027 13:00",
        "15.06.2027 15:00",
        "14.06.2027 13:00",
    )
    assert rows[("Kursus i motiverende samtale", "Aarhus")]["Starter"] == "12.01.2027 13:00"
    assert rows[("Temapraksisdag", "Herning")]["Timer"] == "6,25"
    assert rows[("Opstartsmøde", "")]["Timer"] == "1,5"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_export_dry_run_import_gives_the_same_catalogue_and_reports_no_changes(closed_round, fmt):
    _varied_catalogue(closed_round)
    before = _full_catalogue(closed_round)
    activities = Activity.objects.count()
    content, _type = catalogue_export(closed_round, fmt)

    dry = catalogue_import(round_obj=closed_round, content=content, filename=f"katalog.{fmt}", dry_run=True)
    assert import_problems(dry) == []
    assert (dry.totals["new"], dry.totals["update"], dry.totals["skip"]) == (0, 0, 4)

    result = catalogue_import(
        round_obj=closed_round, content=content, filename=f"katalog.{fmt}", dry_run=False
    )
    assert import_problems(result) == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 4)
    assert _full_catalogue(closed_round) == before
    assert Activity.objects.count() == activities

    again, _type = catalogue_export(closed_round, fmt)
    assert _values(again, fmt) == _values(content, fmt)


@pytest.mark.django_db
def test_an_english_file_is_read_while_the_portal_speaks_danish(closed_round):
    _varied_catalogue(closed_round)
    before = _full_catalogue(closed_round)
    with translation.override("en"):
        content, _type = catalogue_export(closed_round, "xlsx")
    result = catalogue_import(
        round_obj=closed_round, content=content, filename="catalogue.xlsx", dry_run=False
    )
    assert import_problems(result) == [] and result.totals["skip"] == 4
    assert _full_catalogue(closed_round) == before


@pytest.mark.django_db
def test_a_changed_row_is_reported_as_one_change_and_a_new_row_as_new(closed_round):
    _varied_catalogue(closed_round)
    content, _type = catalogue_export(closed_round, "csv")
    text = content.decode("utf-8-sig")
    text = text.replace(";Viborg;;8;", ";Viborg;;12;")
    text += (
        "Nyt webinar;Webinar;VIA Efteruddannelse;;Læger;1;Ja;"
        "02.02.2027 19:00;02.02.2027 20:00;;;50;01.02.2027 12:00\n"
    )
    result = catalogue_import(round_obj=closed_round, content=text.encode(), filename="k.csv", dry_run=False)
    assert import_problems(result) == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 1, 3)
    assert Session.objects.get(place="Viborg").capacity == 12
    webinar = Session.objects.get(activity__title="Nyt webinar")
    assert webinar.activity.kind == ActivityKind.WEBINAR and webinar.activity.online
    assert timezone.localtime(webinar.starts_at).hour == 19


def _import_csv(round_obj, text: str, *, dry_run=False):
    content = ("\ufeff" + text).encode("utf-8")
    return catalogue_import(round_obj=round_obj, content=content, filename="katalog.csv", dry_run=dry_run)


HEADER_LINE = ";".join(DANISH_HEADER)
GOOD_ROW = (
    "Kursus i motiverende samtale;Kursus;VIA Efteruddannelse;Tre timer;Læger og personale;3;Nej;"
    "12.01.2027 13:00;12.01.2027 16:00;Aarhus;;20;05.01.2027 12:00"
)


@pytest.mark.django_db
def test_import_problems_name_the_spreadsheet_row_and_the_danish_column_and_nothing_is_saved(closed_round):
    provider("VIA Efteruddannelse")
    bad_kind = GOOD_ROW.replace(";Kursus;", ";Foredragsrække;").replace(
        "12.01.2027 13:00", "19.01.2027 13:00"
    )
    bad_many = GOOD_ROW.replace(";Nej;", ";Måske;").replace(";20;", ";2,5;").replace("16:00", "12:00")
    result = _import_csv(closed_round, "\n".join([HEADER_LINE, GOOD_ROW, bad_kind, bad_many]) + "\n")
    problems = import_problems(result)
    assert (3, "Type") in [(row, column) for row, column, _msg in problems]
    assert sorted((row, column) for row, column, _msg in problems if row == 4) == [
        (4, "Online"),
        (4, "Pladser"),
        (4, "Slutter"),
    ]
    messages = {(row, column): str(msg) for row, column, msg in problems}
    assert messages[(3, "Type")].startswith("Ukendt type. Brug en af: Webinar, Oplæg, Kursus")
    assert messages[(4, "Online")] == "Skriv Ja eller Nej."
    assert messages[(4, "Pladser")] == "Antallet af pladser skal være et helt tal."
    assert not Activity.objects.filter(round=closed_round).exists()  # all or nothing


@pytest.mark.django_db
def test_the_cpr_guard_names_the_row_and_the_column(closed_round):
    provider("VIA Efteruddannelse")
    bad = GOOD_ROW.replace("Tre timer", "Patient 010190-1234")
    result = _import_csv(closed_round, "\n".join([HEADER_LINE, bad]) + "\n")
    assert [(row, column) for row, column, _msg in import_problems(result)] == [(2, "Beskrivelse")]
    assert not Activity.objects.filter(round=closed_round).exists()


@pytest.mark.django_db
def test_a_file_with_the_retired_counts_toward_target_column_is_refused_with_a_clear_message(closed_round):
    provider("VIA Efteruddannelse")
    header = HEADER_LINE + ";counts_toward_target"
    result = _import_csv(closed_round, "\n".join([header, GOOD_ROW + ";nej"]) + "\n")
    ((row, column, message),) = import_problems(result)
    assert (row, column) == ("", "")
    assert "Kolonnen “counts_toward_target” bruges ikke længere" in message
    assert "følger af typen" in message
    assert not Activity.objects.filter(round=closed_round).exists()


@pytest.mark.django_db
def test_a_file_without_a_column_names_the_missing_column(closed_round):
    provider("VIA Efteruddannelse")
    header = HEADER_LINE.replace(";Timer", "")
    row = GOOD_ROW.replace(";Læger og personale;3;", ";Læger og personale;")
    ((line, column, message),) = import_problems(_import_csv(closed_round, f"{header}\n{row}\n"))
    assert (line, column) == ("", "")
    assert message == "Filen mangler kolonnerne “Timer”. Brug kolonnerne fra eksporten."
    assert not Activity.objects.filter(round=closed_round).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_leaders_page_reads_its_own_download_back_and_finds_nothing_to_change(
    client, closed_round, leader, fmt
):
    _varied_catalogue(closed_round)
    before = _full_catalogue(closed_round)
    login(client, leader)
    download = client.get(reverse("activities:catalogue_export", args=[closed_round.pk]), {"format": fmt})
    upload = SimpleUploadedFile(f"katalog.{fmt}", body(download))
    response = client.post(reverse("activities:catalogue_import", args=[closed_round.pk]), {"file": upload})
    assert response.status_code == 200 and response.context["problems"] == []
    page = response.content.decode()
    assert "Filen svarer til kataloget: dens 4 hold er uændrede" in page
    assert 'name="confirm"' not in page
    assert _full_catalogue(closed_round) == before
