"""My activities: a provider sees its own organisation's activities, a leader those of the rounds they
lead, with past and upcoming sessions and each session's attendance state; others are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import selectors
from activities.models import Registration, RegistrationStatus, Session
from ligepraksis.models import Role
from tests.activities.service_factories import (
    attend,
    make_activity,
    make_person,
    make_session,
    provider,
    provider_user,
)
from tests.conftest import make_practice, make_round, make_user
from tests.helpers import english, login

URL = "/aktiviteter/mine/"


def page(user):
    response = english(login(Client(), user)).get(URL)
    return response.status_code, response.content.decode()


def _past(activity, *, days=1):
    return make_session(
        activity, starts_at=timezone.now() - dt.timedelta(days=days), deadline_before=dt.timedelta(hours=1)
    )


def _sign_up(session, practice):
    return Registration.objects.create(
        session=session, person=make_person(practice), practice=practice, status=RegistrationStatus.CONFIRMED
    )


def test_the_url_is_the_named_one():
    assert reverse("activities:mine") == URL


@pytest.mark.django_db
def test_provider_sees_only_its_own_activities_with_attendance_states(closed_round, region):
    org = provider("VID")
    user = provider_user(org)
    mine = make_activity(closed_round, org=org, title="Vores webinar")
    theirs = make_activity(make_round(region, open_=False), org=provider("Andre"), title="Andres webinar")
    practice = make_practice(region)
    needs = _past(mine, days=1)
    _sign_up(needs, practice)
    taken = _past(mine, days=3)
    attend(taken, user, _sign_up(taken, practice))
    make_session(mine)  # upcoming
    _sign_up(_past(theirs), practice)
    status, html = page(user)
    assert status == 200
    assert "Vores webinar" in html and "Andres webinar" not in html
    states = [s for s in html.split('data-attendance="')[1:]]
    assert sorted(s.split('"')[0] for s in states) == ["needed", "taken", "upcoming"]
    assert reverse("activities:attendance", args=[needs.pk]) in html
    assert "Attendance open, not taken" in html and "Not yet started" in html


@pytest.mark.django_db
def test_leader_sees_only_their_rounds_activities(closed_round, region):
    leader = make_user(role=Role.PROJECT_LEADER, round=closed_round)
    make_activity(closed_round, title="I min runde")
    make_activity(make_round(region, open_=False), title="I en anden runde")
    status, html = page(leader)
    assert status == 200
    assert "I min runde" in html and "I en anden runde" not in html
    assert reverse("activities:activity_new", args=[closed_round.pk]) in html  # "new activity"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.STEERING, Role.CONSULTANT, Role.EVALUATOR])
def test_others_are_refused(closed_round, role):
    user = make_user(role=role, round=closed_round) if role else make_user()
    assert page(user)[0] == 403


@pytest.mark.django_db
def test_needs_attendance_is_one_rule(closed_round, region):
    activity = make_activity(closed_round)
    practice = make_practice(region)
    now = timezone.now()
    upcoming = make_session(activity)
    _sign_up(upcoming, practice)
    nobody = _past(activity, days=2)
    needed = _past(activity, days=1)
    _sign_up(needed, practice)
    cancelled = _past(activity, days=4)
    _sign_up(cancelled, practice)
    Session.objects.filter(pk=cancelled.pk).update(cancelled_at=now)
    assert list(selectors.needs_attendance(Session.objects.all(), now=now)) == [needed]
    states = {
        s.pk: selectors.attendance_state(s, now)
        for s in selectors.sessions_with_attendance(Session.objects.all(), now=now)
    }
    assert states == {
        upcoming.pk: "upcoming",
        nobody.pk: "nobody",
        needed.pk: "needed",
        cancelled.pk: "cancelled",
    }


@pytest.mark.django_db
def test_queries_do_not_grow_with_sessions(closed_round, region):
    org = provider("VID")
    user = provider_user(org)
    practice = make_practice(region)
    client = login(Client(), user)

    def add(n):
        activity = make_activity(closed_round, org=org)
        for i in range(n):
            _sign_up(_past(activity, days=i + 1), practice)

    def render():
        with CaptureQueriesContext(connection) as q:
            html = client.get(URL).content.decode()
        return len(q), html.count('data-row="my-session"')

    add(3)
    few, few_rows = render()
    add(20)
    many, many_rows = render()
    assert (few_rows, many_rows) == (3, 23)
    assert many == few
