"""Issue 9: a round's sign-ups and attendance as a spreadsheet, one row per registration, for the
round's project leaders; CSV streamed row by row through the cell neutraliser, XLSX at once below
EXPORT_XLSX_WORKER_ROWS and in the worker above it; the same number of queries for 5 and for 250
rows, across the chunks the rows are read in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from activities.models import Registration, RegistrationStatus
from ligepraksis.models import FileJob, FileJobStatus, Role
from practices.models import Person, PersonKind, ProviderNumber
from tests.activities.service_factories import make_activity, make_session
from tests.conftest import make_practice, make_round, make_user
from tests.helpers import body, login

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


@pytest.fixture
def signups(closed_round):
    """A past session of an activity (2 hours) and a future one of another; practices to sign up from,
    the first with two provider numbers (one with a leading zero) and a hostile name."""
    now = timezone.now()
    past = make_session(
        make_activity(closed_round, title="Kursus i motiverende samtale", hours="2.5"),
        starts_at=now - dt.timedelta(days=3),
    )
    future = make_session(make_activity(closed_round, title="Webinar"), starts_at=now + dt.timedelta(days=9))
    practices = [make_practice(closed_round.region) for _ in range(3)]
    first = practices[0]
    first.name = "=HYPERLINK(1)"
    first.save(update_fields=["name"])
    ProviderNumber.objects.filter(practice=first).update(number="012345")
    ProviderNumber.objects.create(practice=first, number="067890")

    def add(count: int) -> None:
        people = Person.objects.bulk_create(
            Person(name=f"Deltager {i}", kind=PersonKind.STAFF) for i in (next(_n) for _ in range(count))
        )
        rows = []
        for i, person in enumerate(people):
            session = past if i % 2 else future
            attended = (i % 4 == 1) if session is past else None
            rows.append(
                Registration(
                    session=session,
                    person=person,
                    practice=practices[i % len(practices)],
                    status=RegistrationStatus.CONFIRMED,
                    attended=attended,
                )
            )
        Registration.objects.bulk_create(rows)

    return {"past": past, "future": future, "practices": practices, "add": add}


def _url(round_obj, fmt):
    return reverse("activities:signups_export", args=[round_obj.pk]) + f"?format={fmt}"


def _csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
def test_the_csv_is_streamed_with_one_neutralised_row_per_registration(client, closed_round, leader, signups):
    signups["add"](4)
    response = login(client, leader).get(_url(closed_round, "csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="tilmeldinger-')
    content = body(response)
    assert content.startswith("\ufeff".encode())
    rows = _csv(content)
    assert len(rows) == 4
    assert list(rows[0]) == [
        "Sessionen starter",
        "Aktivitet",
        "Praksis",
        "Ydernumre",
        "Person",
        "Status",
        "Deltog",
        "Timer",
    ]
    hostile = [r for r in rows if r["Praksis"].endswith("HYPERLINK(1)")]
    assert hostile and all(r["Praksis"] == "'=HYPERLINK(1)" for r in hostile)  # inert text
    assert hostile[0]["Ydernumre"] == "012345, 067890"  # text: the leading zero stays
    past = [r for r in rows if r["Aktivitet"] == "Kursus i motiverende samtale"]
    assert {(r["Deltog"], r["Timer"]) for r in past} == {("Ja", "2,5"), ("Nej", "")}
    future = [r for r in rows if r["Aktivitet"] == "Webinar"]
    assert {(r["Deltog"], r["Timer"]) for r in future} == {("", "")}  # attendance not taken yet
    assert {r["Status"] for r in rows} == {"Bekræftet"}


@pytest.mark.django_db
def test_the_xlsx_keeps_types_below_the_threshold(client, closed_round, leader, signups):
    signups["add"](4)
    response = login(client, leader).get(_url(closed_round, "xlsx"))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 4
    attended = [r for r in rows if r["Deltog"].value == "Ja"]
    assert attended and all(r["Timer"].data_type == "n" and r["Timer"].value == 2.5 for r in attended)
    assert all(r["Sessionen starter"].is_date for r in rows)
    assert all(r["Ydernumre"].data_type == "s" for r in rows)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


@pytest.mark.django_db
def test_a_large_xlsx_is_made_in_the_worker_and_downloaded_from_its_page(
    client, closed_round, leader, signups, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_XLSX_WORKER_ROWS = 3
    signups["add"](5)
    login(client, leader)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs in process (no broker)
        response = client.get(_url(closed_round, "xlsx"))
    job = FileJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("file_job", args=[job.pk])
    assert (job.kind, job.requested_by, job.status, job.rows) == (
        "activities.signups",
        leader,
        FileJobStatus.DONE,
        5,
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Refresh" not in page
    assert reverse("file_job_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("file_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"].startswith('attachment; filename="tilmeldinger-')
    sheet = load_workbook(io.BytesIO(body(download))).active
    assert sheet.max_row == 6  # the header and five registrations


@pytest.mark.django_db
def test_a_csv_is_streamed_whatever_its_size(client, closed_round, leader, signups, settings):
    settings.EXPORT_XLSX_WORKER_ROWS = 3
    signups["add"](5)
    response = login(client, leader).get(_url(closed_round, "csv"))
    assert response.status_code == 200 and response.streaming
    assert len(_csv(body(response))) == 5
    assert not FileJob.objects.exists()


@pytest.mark.django_db
def test_only_the_rounds_leaders_get_it(client, closed_round, leader, signups, outsider):
    other_leader = make_user(role=Role.PROJECT_LEADER, round=make_round(closed_round.region, open_=False))
    steering = make_user(role=Role.STEERING, round=closed_round)
    for user in (outsider, other_leader, steering):
        assert login(client, user).get(_url(closed_round, "csv")).status_code == 404


def _measure(client, url) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        content = body(response)
    assert response.status_code == 200
    return len(ctx.captured_queries), content, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_query_count_is_the_same_for_5_and_250_rows_across_the_chunks(
    client, closed_round, leader, signups, settings, fmt
):
    settings.EXPORT_CHUNK_ROWS = 100  # 250 rows are read in three chunks
    url = _url(closed_round, fmt)
    login(client, leader).get(url)  # warm up per-process caches
    signups["add"](5)
    q5, content5, sql5 = _measure(client, url)
    signups["add"](245)
    q250, content250, sql250 = _measure(client, url)
    extra = "\n".join(s for s in sql250 if s not in sql5)
    assert q5 == q250, f"{q5} queries for 5 rows, {q250} for 250; only with 250:\n{extra}"
    if fmt == "csv":
        assert (len(_csv(content5)), len(_csv(content250))) == (5, 250)
    else:
        sheets = [load_workbook(io.BytesIO(c), read_only=True).active for c in (content5, content250)]
        assert [sum(1 for _ in sheet.iter_rows(min_row=2)) for sheet in sheets] == [5, 250]


@pytest.mark.django_db
def test_hours_are_those_of_the_activity_for_those_who_attended(closed_round, signups):
    from activities.exports import signups_table

    signups["add"](2)
    rows = list(signups_table(closed_round).rows)
    hours = {(row[1], row[6]): row[7] for row in rows}
    assert hours[("Kursus i motiverende samtale", "Ja")] == Decimal("2.5")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_catalogue_export_uses_the_same_queries_for_5_and_250_sessions(
    client, closed_round, leader, settings, fmt
):
    from activities.models import Session

    settings.EXPORT_CHUNK_ROWS = 100
    activity = make_activity(closed_round, title="Kursus")
    start = timezone.now() + dt.timedelta(days=30)

    def add(count):
        Session.objects.bulk_create(
            Session(
                activity=activity,
                starts_at=start + dt.timedelta(hours=next(_n)),
                ends_at=start + dt.timedelta(hours=next(_n) + 400),
                capacity=10,
                signup_deadline=start - dt.timedelta(days=1),
            )
            for _ in range(count)
        )

    url = reverse("activities:catalogue_export", args=[closed_round.pk]) + f"?format={fmt}"
    login(client, leader).get(url)
    add(5)
    q5, content5, _sql = _measure(client, url)
    add(245)
    q250, content250, _sql = _measure(client, url)
    assert q5 == q250
    if fmt == "csv":
        assert (len(_csv(content5)), len(_csv(content250))) == (5, 250)
    else:
        sheets = [load_workbook(io.BytesIO(c), read_only=True).active for c in (content5, content250)]
        assert [sum(1 for _ in sheet.iter_rows(min_row=2)) for sheet in sheets] == [5, 250]
