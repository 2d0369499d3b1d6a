"""The catalogue, a practice's hours page and the leaders' overview use the same number of queries for
5 and for 50 rows.

Each test renders the page with 5 rows, adds 45 more, renders it again and compares both the query
counts and the number of rows actually shown (equal counts of empty pages prove nothing).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Registration, RegistrationStatus, Session
from ligepraksis.models import Role
from tests.activities.service_factories import (
    bulk_sessions,
    make_activity,
    make_person,
    participate,
    provider,
    render_counted,
)
from tests.conftest import make_practice, make_round, make_user
from tests.helpers import login


def _sessions(activities, count: int, *, start_day: int, past: bool = False) -> list[Session]:
    return bulk_sessions(activities, count, start_day=start_day, past=past)


def _render(client: Client, url: str, row: str) -> tuple[int, int]:
    return render_counted(client, url, row)[:2]


@pytest.fixture
def big_round(region):
    return make_round(region, open_=False, places=60, hours_count_for="members")


@pytest.fixture
def round_leader(big_round):
    return make_user(role=Role.PROJECT_LEADER, round=big_round)


@pytest.fixture
def activities(big_round):
    return [
        make_activity(big_round, org=provider(f"Udbyder {i}"), kind=kind)
        for i, kind in enumerate(("webinar", "course", "talk"))
    ]


@pytest.mark.django_db
def test_catalogue_queries_do_not_grow_with_sessions(activities, region):
    client = Client()
    sessions = _sessions(activities, 5, start_day=1)
    practice = make_practice(region)
    Registration.objects.create(
        session=sessions[0],
        person=make_person(practice),
        practice=practice,
        status=RegistrationStatus.CONFIRMED,
    )
    url = reverse("activities:catalogue")
    few_queries, few_rows = _render(client, url, "session")
    _sessions(activities, 45, start_day=10)
    many_queries, many_rows = _render(client, url, "session")
    assert (few_rows, many_rows) == (5, 50)
    assert many_queries == few_queries


@pytest.mark.django_db
def test_practice_hours_page_queries_do_not_grow_with_people_and_sessions(
    big_round, round_leader, activities
):
    participation, user = participate(big_round, round_leader)
    practice = participation.practice
    client = login(Client(), user)
    url = reverse("activities:practice_hours", args=[practice.pk])

    def add(count: int, start_day: int):
        people = [make_person(practice) for _ in range(count)]
        past = _sessions(activities, count, start_day=start_day, past=True)
        upcoming = _sessions(activities, count, start_day=start_day)
        Registration.objects.bulk_create(
            [
                Registration(
                    session=s, person=p, practice=practice, status=RegistrationStatus.CONFIRMED, attended=True
                )
                for s, p in zip(past, people, strict=True)
            ]
            + [
                Registration(session=s, person=p, practice=practice, status=RegistrationStatus.CONFIRMED)
                for s, p in zip(upcoming, people, strict=True)
            ]
        )

    add(5, start_day=1)
    few_queries, few_rows = _render(client, url, "person")
    add(45, start_day=10)
    many_queries, many_rows = _render(client, url, "person")
    assert (few_rows, many_rows) == (5, 50)  # every member's hours count in this round
    assert many_queries == few_queries


@pytest.mark.django_db
def test_overview_queries_do_not_grow_with_participations(big_round, round_leader, activities):
    client = login(Client(), round_leader)
    url = reverse("activities:overview", args=[big_round.pk])
    _sessions(activities, 5, start_day=1)

    def add(count: int):
        for _ in range(count):
            participate(big_round, round_leader)

    add(5)
    few_queries, few_rows = _render(client, url, "participation")
    add(45)
    _sessions(activities, 45, start_day=10)
    many_queries, many_rows = _render(client, url, "participation")
    assert (few_rows, many_rows) == (5, 50)
    assert many_queries == few_queries
