"""The start page per role: where the user stands and the next step, each item one click from its page,
never a practice, round or application the user has no grant for; a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityKind, HourClaim, Registration, RegistrationStatus
from applications import services as app_services
from applications.models import ApplicationStatus
from ligepraksis.models import ProviderOrganisation, Role
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_session,
    participate,
    provider,
    provider_user,
)
from tests.conftest import make_application, make_practice, make_round, make_user
from tests.helpers import english, login

HREF = re.compile(r'href="(/[^"#]*)"')


def home(user) -> str:
    client = english(login(Client(), user))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def next_steps(html: str) -> list[str]:
    return re.findall(r'<a class="btn btn-primary" href="([^"]+)" data-next-step>', html)


def card(html: str, key: str) -> str:
    start = html.index(f'data-card="{key}"')
    return html[start : html.index("</section>", start)]


def assert_every_link_works(user, html: str) -> None:
    """Every link in the page's main part answers 200 (or a redirect that is not to the login page)."""
    client = login(Client(), user)
    for url in sorted(set(HREF.findall(main(html)))):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:
            assert "/login/" not in response["Location"], url


@pytest.fixture
def today_window(region):
    today = timezone.localdate()
    return make_round(
        region,
        open_=False,
        name="Lige Praksis 2026",
        places=30,
        hour_window_start=today - dt.timedelta(days=60),
        hour_window_end=today + dt.timedelta(days=60),
    )


# --- A practice -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_selected_practice_is_told_to_accept_its_terms(closed_round, leader):
    app = make_application(closed_round)
    app_services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    html = home(app.created_by)
    assert next_steps(card(html, "practice-applications")) == [reverse("applications:accept", args=[app.pk])]
    assert "Accept the participation terms" in html
    assert_every_link_works(app.created_by, html)


@pytest.mark.django_db
def test_offered_practice_sees_the_offers_expiry(closed_round, leader):
    app = make_application(closed_round)
    app_services.application_decide(application=app, user=leader, outcome=ApplicationStatus.WAITLISTED)
    app_services.waitlist_offer(application=app, user=leader, reason="En plads er ledig")
    app.refresh_from_db()
    html = card(home(app.created_by), "practice-applications")
    assert "answer by" in html
    assert str(timezone.localtime(app.offer_expires_at).year) in html
    assert reverse("applications:accept", args=[app.pk]) in html


@pytest.mark.django_db
def test_participating_practice_sees_hours_startup_signups_and_claims(today_window):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    participation, user = participate(today_window, leader)
    practice = participation.practice
    startup = make_activity(today_window, kind=ActivityKind.STARTUP, required=True, title="Opstartsmøde")
    startup_session = make_session(startup)
    webinar = make_activity(today_window, title="Webinar")
    Registration.objects.create(
        session=make_session(webinar),
        person=participation.application.doctor_coordinator,
        practice=practice,
        status=RegistrationStatus.CONFIRMED,
    )
    HourClaim.objects.create(
        round=today_window,
        practice=practice,
        person=participation.application.doctor_coordinator,
        description="Kursus",
        occurred_on=timezone.localdate(),
        hours=Decimal("2"),
        submitted_by=user,
    )
    other, _other_user = participate(today_window, leader)  # another practice of the round
    html = home(user)
    assert other.practice.name not in html
    assert reverse("activities:practice_hours", args=[other.practice_id]) not in html
    hours = card(html, f"practice-hours-{participation.pk}")
    assert "0 of 10 hours" in hours
    assert "Hour deadline:" in hours
    assert "1 sign-up to come" in hours
    assert "1 hour claim waits for approval" in hours
    assert "not yet" in hours
    # The next step: sign up for the start-up meeting, one click from its sign-up page.
    assert reverse("activities:signup", args=[startup_session.pk]) in next_steps(hours)
    assert_every_link_works(user, html)


@pytest.mark.django_db
def test_practice_start_page_shows_no_leader_links(today_window):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    _participation, user = participate(today_window, leader)
    html = home(user)
    assert reverse("applications:selection", args=[today_window.pk]) not in html
    assert reverse("activities:overview", args=[today_window.pk]) not in html
    assert reverse("activities:mine") not in html


# --- A project leader -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_leader_sees_decisions_claims_attendance_and_practices_behind(today_window, region):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    participation, practice_user = participate(today_window, leader)
    make_application(today_window)  # waits for a decision
    activity = make_activity(today_window)
    past = make_session(
        activity, starts_at=timezone.now() - dt.timedelta(days=1), deadline_before=dt.timedelta(hours=1)
    )
    Registration.objects.create(
        session=past,
        person=participation.application.doctor_coordinator,
        practice=participation.practice,
        status=RegistrationStatus.CONFIRMED,
    )
    HourClaim.objects.create(
        round=today_window,
        practice=participation.practice,
        person=participation.application.doctor_coordinator,
        description="Kursus",
        occurred_on=timezone.localdate(),
        hours=Decimal("2"),
        submitted_by=practice_user,
    )
    other_round = make_round(region, open_=False, name="En anden runde")
    make_application(other_round)
    html = home(leader)
    apps = card(html, f"leader-applications-{today_window.pk}")
    assert "1 application waits for a decision" in apps
    assert next_steps(apps) == [
        reverse("applications:selection", args=[today_window.pk]) + "?status=submitted"
    ]
    acts = card(html, f"leader-activities-{today_window.pk}")
    assert "1 session needs attendance" in acts
    assert "1 hour claim to approve" in acts
    assert "1 practice behind on hours" in acts  # 0 hours, a month of the window gone
    assert next_steps(acts) == [reverse("activities:mine")]
    # Not a practice's links, nor another round's.
    assert "En anden runde" not in html
    assert f'href="{reverse("activities:my_hours")}"' not in html
    assert f'href="{reverse("applications:mine")}"' not in html
    assert "Register your practice" not in html
    assert_every_link_works(leader, html)


# --- A steering-group member ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_steering_member_sees_how_many_they_scored_and_the_next(closed_round, region):
    member = make_user(role=Role.STEERING, round=closed_round)
    apps = sorted(
        [make_application(closed_round, name=f"Lægehus {c}") for c in "ABC"], key=lambda a: a.practice.name
    )
    own = make_application(closed_round, name="Lægehus 0 (eget)", user=member)  # never counted nor shown
    app_services.review_save(
        application=apps[0],
        reviewer=member,
        scores={c.pk: (4, "") for c in closed_round.criteria.all()},
        comment="",
        conflict=False,
    )
    html = card(home(member), f"steering-{closed_round.pk}")
    assert "1 of 3 scored" in html
    assert next_steps(html) == [reverse("applications:review", args=[apps[1].pk])]
    assert own.practice.name not in html
    assert_every_link_works(member, home(member))


# --- A provider, KEU, consultants, evaluators -----------------------------------------------------------


@pytest.mark.django_db
def test_provider_is_sent_to_take_attendance_for_its_own_past_session(closed_round):
    org = provider("VID")
    user = provider_user(org)
    mine = make_activity(closed_round, org=org, title="Vores webinar")
    theirs = make_activity(closed_round, org=provider("Andre"), title="Andres webinar")
    practice = make_practice(closed_round.region)
    for activity in (mine, theirs):
        past = make_session(
            activity, starts_at=timezone.now() - dt.timedelta(days=1), deadline_before=dt.timedelta(hours=1)
        )
        Registration.objects.create(
            session=past, person=make_person(practice), practice=practice, status=RegistrationStatus.CONFIRMED
        )
    html = card(home(user), "provider")
    assert "1 activity" in html
    assert "1 past session needs attendance" in html
    own_past = mine.sessions.get()
    assert next_steps(html) == [reverse("activities:attendance", args=[own_past.pk])]
    assert "Andres webinar" not in html
    assert_every_link_works(user, home(user))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.KEU, Role.CONSULTANT, Role.EVALUATOR])
def test_keu_consultant_and_evaluator_get_read_only_cards_whose_links_work(role, today_window, region):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    participation, _user = participate(today_window, leader)
    scope = {"region": region} if role == Role.KEU else {"round": today_window}
    user = make_user(role=role, **scope)
    if role == Role.CONSULTANT:
        # A consultant sees the practices a leader assigned to them (issue 10), not the whole round.
        from applications.services import participation_assign_consultant

        participation_assign_consultant(participation=participation, consultant=user, by=leader)
        unassigned, _other = participate(today_window, leader)
    html = home(user)
    assert "data-card=" in html
    assert reverse("practices:join_practice") not in html
    assert f'href="{reverse("activities:my_hours")}"' not in html
    if role == Role.KEU:  # the budget of the region's round (finance/portal.py)
        assert next_steps(html) == [reverse("finance:budget", args=[today_window.pk])]
    elif role == Role.EVALUATOR:  # the first questionnaire (evaluation/portal.py)
        assert next_steps(html) == [reverse("evaluation:questionnaire_new", args=[today_window.pk])]
    else:
        assert next_steps(html) == []  # nothing to do yet: said plainly, no button to nowhere
    if role == Role.CONSULTANT:
        assert participation.practice.name in html  # a practice the consultant may see
        assert unassigned.practice.name not in html
    else:
        assert participation.practice.name not in html
    assert_every_link_works(user, html)


@pytest.mark.django_db
def test_someone_with_several_roles_sees_each_part(today_window):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    participation, user = participate(today_window, leader)
    from ligepraksis.services import role_grant

    role_grant(user=user, role=Role.STEERING, round=today_window)
    role_grant(user=user, role=Role.PROVIDER, provider=ProviderOrganisation.objects.create(name="Deep End"))
    html = home(user)
    for key in ("practice-applications", f"steering-{today_window.pk}", "provider"):
        assert f'data-card="{key}"' in html
    assert "Your practice" in html and "Steering group member" in html and "Activity provider" in html


@pytest.mark.django_db
def test_newcomer_is_offered_to_apply_or_register(open_round):
    user = make_user()
    html = home(user)
    assert reverse("applications:apply", args=[open_round.pk]) in next_steps(html)
    assert reverse("practices:join_practice") in next_steps(html)


@pytest.mark.django_db
def test_anonymous_sees_open_rounds_and_the_catalogue(client, open_round):
    html = english(client).get("/").content.decode()
    assert reverse("applications:apply", args=[open_round.pk]) in html
    assert reverse("activities:catalogue") in html


# --- Queries do not grow with rows -------------------------------------------------------------------------


def _queries(user) -> int:
    client = login(Client(), user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_leader_start_page_queries_do_not_grow_with_rows(today_window):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    activity = make_activity(today_window)

    def add(n):
        for _ in range(n):
            participation, _user = participate(today_window, leader)
            make_application(today_window)
            past = make_session(
                activity,
                starts_at=timezone.now() - dt.timedelta(days=1),
                deadline_before=dt.timedelta(hours=1),
            )
            Registration.objects.create(
                session=past,
                person=participation.application.doctor_coordinator,
                practice=participation.practice,
                status=RegistrationStatus.CONFIRMED,
            )

    add(2)
    few = _queries(leader)
    add(8)
    assert "10 sessions need attendance" in home(leader)
    assert _queries(leader) == few


@pytest.mark.django_db
def test_practice_start_page_queries_do_not_grow_with_rows(today_window):
    leader = make_user(role=Role.PROJECT_LEADER, round=today_window)
    participation, user = participate(today_window, leader)
    practice = participation.practice

    def add(n):
        for _ in range(n):
            person = make_person(practice)
            session = make_session(make_activity(today_window))
            Registration.objects.create(
                session=session, person=person, practice=practice, status=RegistrationStatus.CONFIRMED
            )
            HourClaim.objects.create(
                round=today_window,
                practice=practice,
                person=participation.application.doctor_coordinator,
                description="Kursus",
                occurred_on=timezone.localdate(),
                hours=Decimal("1"),
                submitted_by=user,
            )

    add(2)
    few = _queries(user)
    add(8)
    assert "10 sign-ups to come" in home(user)
    assert _queries(user) == few
