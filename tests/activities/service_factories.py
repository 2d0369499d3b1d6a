"""Factories for the activities service, ledger and concurrency tests.

Plain functions (no fixtures), so any test module can import them. Every participation is made
through the application services (select, accept), so the data obeys the portal's rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities import services
from activities.models import Activity, ActivityKind, Session
from applications import services as app_services
from applications.models import ApplicationStatus
from ligepraksis.models import ProviderOrganisation, Role
from practices.models import Membership, Person, PersonKind
from practices.services import practice_grant
from tests.conftest import make_application, make_practice, make_user

_seq = itertools.count(1)


def provider(name: str | None = None) -> ProviderOrganisation:
    return ProviderOrganisation.objects.get_or_create(name=name or f"Udbyder {next(_seq)}")[0]


def provider_user(org: ProviderOrganisation):
    return make_user(role=Role.PROVIDER, provider=org)


def make_activity(round_obj, *, org=None, hours="2", **kw) -> Activity:
    fields = {
        "title": f"Webinar om sårbare patienter {next(_seq)}",
        "kind": ActivityKind.WEBINAR,
        "online": True,
    }
    fields.update(kw)
    return Activity.objects.create(
        round=round_obj, provider=org or provider(), hours=Decimal(hours), **fields
    )


def make_session(
    activity, *, starts_at=None, capacity=20, hours_long=2, deadline_before=dt.timedelta(days=1), **kw
):
    starts_at = starts_at or timezone.now() + dt.timedelta(days=14)
    return Session.objects.create(
        activity=activity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours_long),
        capacity=capacity,
        signup_deadline=starts_at - deadline_before,
        **kw,
    )


def make_person(practice, *, kind=PersonKind.STAFF, name=None) -> Person:
    person = Person.objects.create(name=name or f"Person {next(_seq)}", kind=kind)
    Membership.objects.create(person=person, practice=practice, started_on=dt.date(2020, 1, 1))
    return person


def practice_user(practice):
    """A login of the practice (a practice role grant)."""
    user = make_user()
    practice_grant(user=user, practice=practice)
    return user


def participate(round_obj, leader, *, practice=None, accepted_at=None):
    """A practice selected and accepted into the round. Returns (participation, practice user).

    The round must be closed for applications (review and decisions open)."""
    app = make_application(round_obj, practice=practice)
    app_services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    participation = app_services.application_accept(
        application=app, user=app.created_by, terms=round_obj.current_terms(), now=accepted_at
    )
    user = practice_user(app.practice)
    return participation, user


def at_session(session, minutes=30):
    """A moment during the session (to take attendance)."""
    return session.starts_at + dt.timedelta(minutes=minutes)


def attend(session, leader, *registrations, walk_ins=()):
    """Sign nobody up: record that these confirmed registrations attended (the others: no-show)."""
    return services.attendance_record(
        user=leader,
        session=session,
        attended_ids=[r.pk for r in registrations],
        walk_ins=walk_ins,
        now=at_session(session),
    )


__all__ = [
    "at_session",
    "attend",
    "make_activity",
    "make_person",
    "make_practice",
    "make_session",
    "participate",
    "practice_user",
    "provider",
    "provider_user",
]


def bulk_sessions(
    activities, count: int, *, start_day: int = 1, past: bool = False, step=dt.timedelta(days=1)
) -> list[Session]:
    """`count` sessions spread over the activities (several providers and kinds), `step` apart from
    `start_day` days ahead (or ago), written in one statement, for the query-count tests."""
    now = timezone.now()
    sessions = []
    for i in range(count):
        offset = dt.timedelta(days=start_day) + i * step
        starts = now - offset if past else now + offset
        sessions.append(
            Session(
                activity=activities[i % len(activities)],
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                capacity=20,
                signup_deadline=starts - dt.timedelta(minutes=30),
                place=f"Lokale {i}",
            )
        )
    return Session.objects.bulk_create(sessions)


def render_counted(client, url: str, row: str) -> tuple[int, int, str]:
    """GET `url`: (queries run, rows shown as `data-row="<row>"`, the HTML)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return len(queries), html.count(f'data-row="{row}"'), html
