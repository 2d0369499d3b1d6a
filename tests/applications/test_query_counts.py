"""The leaders' list pages and exports use the same number of queries for 5 and for 50 applications.

Each test renders the page with 5 submitted applications, adds 45 more, renders it again and compares
both the query counts and the number of rows actually shown (equal counts of empty pages prove
nothing).
"""

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
from openpyxl import load_workbook

from applications.models import Application, ApplicationStatus, Recommendation, Review, Score
from ligepraksis.models import Role
from practices.models import Person, PersonKind, Practice, PracticeType, ProviderNumber
from tests.conftest import make_user
from tests.helpers import login

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROW = 'data-row="application"'
_n = itertools.count(1)


def add_submitted_applications(round_obj, count: int, *, owner, reviewers) -> list[Application]:
    """`count` submitted applications with practices, provider numbers, a coordinator, reviews, scores
    and (for every third) a recommendation, written with bulk_create."""
    munis = list(round_obj.region.municipalities.order_by("name"))
    forms = list(PracticeType.values)
    criteria = list(round_obj.criteria.all())
    ids = [next(_n) for _ in range(count)]
    practices = Practice.objects.bulk_create(
        Practice(
            name=f"Praksis {i:03d}",
            cvr=f"{20000000 + i}",
            address=f"Testvej {i}",
            postcode="8000",
            city="Aarhus C",
            municipality=munis[i % len(munis)],
            form=forms[i % len(forms)],
            doctor_capacities=Decimal(1 + i % 4),
            staff_count=3,
            listed_patients=1500 + i,
        )
        for i in ids
    )
    ProviderNumber.objects.bulk_create(
        ProviderNumber(practice=p, number=f"{500000 + i:06d}") for p, i in zip(practices, ids, strict=True)
    )
    doctors = Person.objects.bulk_create(
        Person(name=f"Læge {i}", kind=PersonKind.DOCTOR, email=f"laege{i}@example.org") for i in ids
    )
    submitted_at = round_obj.application_deadline - dt.timedelta(hours=2)
    apps = Application.objects.bulk_create(
        Application(
            round=round_obj,
            practice=p,
            status=ApplicationStatus.SUBMITTED,
            practice_description="Beskrivelse",
            patient_base="Patienter",
            motivation="Motivation",
            doctor_coordinator=d,
            created_by=owner,
            submitted_at=submitted_at,
        )
        for p, d in zip(practices, doctors, strict=True)
    )
    reviews = Review.objects.bulk_create(Review(application=a, reviewer=r) for a in apps for r in reviewers)
    Score.objects.bulk_create(
        Score(review=rv, criterion=c, value=1 + (rv.application_id + c.pk) % 5)
        for rv in reviews
        for c in criteria
    )
    Recommendation.objects.bulk_create(
        Recommendation(application=a, outcome=Recommendation.Outcome.SELECT, recorded_by=reviewers[-1])
        for a in apps[::3]
    )
    return apps


@pytest.fixture
def setup(closed_round, settings, client):
    settings.PASSWORD_HASHERS = FAST_HASHER
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=closed_round)
    steering = make_user("folge@example.org", role=Role.STEERING, round=closed_round)
    owner = make_user("ansoeger@example.org")
    login(client, leader)

    def add(count):
        add_submitted_applications(closed_round, count, owner=owner, reviewers=[leader, steering])

    return closed_round, client, add


def _get(client, url):
    """(body, queries, their SQL): a streamed response is read inside the count, since its rows are
    fetched while it is sent."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return body, len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _measure(client, url, rows_of, add, *, more: int = 45):
    """(queries, rows) with 5 and then with 5 + `more` applications."""
    client.get(url)  # warm up per-process caches (content types, translations)
    add(5)
    r5, q5, sql5 = _get(client, url)
    add(more)
    r50, q50, sql50 = _get(client, url)
    extra = "\n".join(s for s in sql50 if s not in sql5)
    assert q5 == q50, f"{url}: {q5} queries for 5 rows, {q50} for {5 + more}. Only with more:\n{extra}"
    return rows_of(r5), rows_of(r50)


def _html_rows(body: bytes) -> int:
    return body.decode().count(ROW)


def _csv_rows(body: bytes) -> int:
    text = body.decode("utf-8-sig")
    return len(list(csv.reader(io.StringIO(text), delimiter=";"))) - 1  # minus the header


def _xlsx_rows(body: bytes) -> int:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1


@pytest.mark.django_db
def test_round_list_query_count_does_not_grow_with_applications(setup):
    round_obj, client, add = setup
    url = reverse("applications:round_list", args=[round_obj.pk])
    assert _measure(client, url, _html_rows, add) == (5, 50)


@pytest.mark.django_db
def test_selection_query_count_does_not_grow_with_applications(setup):
    round_obj, client, add = setup
    url = reverse("applications:selection", args=[round_obj.pk])
    assert _measure(client, url, _html_rows, add) == (5, 50)


@pytest.mark.django_db
def test_selection_with_suggestion_query_count_does_not_grow_with_applications(setup):
    round_obj, client, add = setup
    url = reverse("applications:selection", args=[round_obj.pk]) + "?suggest=1"
    assert _measure(client, url, _html_rows, add) == (5, 50)


# The exports read their rows in chunks (EXPORT_CHUNK_ROWS); 250 rows cross a chunk of 100 twice,
# where django-import-export used to run its prefetch and aggregation again.


@pytest.mark.django_db
def test_csv_export_query_count_does_not_grow_with_applications(setup, settings):
    settings.EXPORT_CHUNK_ROWS = 100
    round_obj, client, add = setup
    url = reverse("applications:export", args=[round_obj.pk]) + "?format=csv"
    assert _measure(client, url, _csv_rows, add, more=245) == (5, 250)


@pytest.mark.django_db
def test_xlsx_export_query_count_does_not_grow_with_applications(setup, settings):
    settings.EXPORT_CHUNK_ROWS = 100
    round_obj, client, add = setup
    url = reverse("applications:export", args=[round_obj.pk]) + "?format=xlsx"
    assert _measure(client, url, _xlsx_rows, add, more=245) == (5, 250)


@pytest.mark.django_db
def test_selection_suggests_as_many_practices_as_the_round_has_places(setup):
    round_obj, client, add = setup
    add(8)
    url = reverse("applications:selection", args=[round_obj.pk])
    plain = client.get(url).content.decode()
    assert 'data-testid="suggestion"' not in plain
    html = client.get(url + "?suggest=1").content.decode()
    assert 'data-testid="suggestion"' in html
    section = html.split('data-testid="suggestion"', 1)[1].split("</section>", 1)[0]
    picked = section.count('<li><a href="/ansoegninger/')
    assert picked == round_obj.places == 3


def _measure_across_pages(client, url, add):
    """(rows with 5, rows with 250 applications): the page size is 50, so 250 crosses it; the queries
    are equal."""
    client.get(url)
    add(5)
    r5, q5, sql5 = _get(client, url)
    add(245)
    r250, q250, sql250 = _get(client, url)
    extra = "\n".join(s for s in sql250 if s not in sql5)
    assert q5 == q250, f"{url}: {q5} queries for 5 rows, {q250} for 250. Queries only seen with 250:\n{extra}"
    return _html_rows(r5), _html_rows(r250)


@pytest.mark.django_db
def test_selection_shows_a_page_of_250_applications_in_the_same_queries(setup):
    round_obj, client, add = setup
    url = reverse("applications:selection", args=[round_obj.pk])
    assert _measure_across_pages(client, url, add) == (5, 50)


@pytest.mark.django_db
def test_round_list_shows_a_page_of_250_applications_in_the_same_queries(setup):
    round_obj, client, add = setup
    url = reverse("applications:round_list", args=[round_obj.pk])
    assert _measure_across_pages(client, url, add) == (5, 50)


@pytest.mark.django_db
def test_selection_spread_counts_every_selected_application_not_only_the_page(setup):
    """The spread is counted by the database over the whole round, equal to `spread()` over the
    selected applications; the filters narrow the listed page, not the spread."""
    from applications import selectors

    round_obj, client, add = setup
    add(120)
    selected = list(Application.objects.filter(round=round_obj).order_by("pk")[:70])
    Application.objects.filter(pk__in=[a.pk for a in selected]).update(status=ApplicationStatus.SELECTED)
    groups = selectors.round_groups(round_obj)
    expected = selectors.spread(groups, Application.objects.filter(pk__in=[a.pk for a in selected]))
    url = reverse("applications:selection", args=[round_obj.pk])
    response = client.get(url + "?status=selected")
    shown = response.context["spread"]
    assert shown.total == expected.total == 70
    assert [(r.dimension, r.group, r.count) for r in shown.rows] == [
        (r.dimension, r.group, r.count) for r in expected.rows
    ]
    assert response.content.decode().count(ROW) == 50
    assert client.get(url + "?status=selected&side=2").content.decode().count(ROW) == 20
