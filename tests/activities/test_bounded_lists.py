"""Every list is bounded (issue 9): the catalogue by region and a page at a time, a practice's hours page
with its next sign-ups and the sessions that fit it, its history on a page of its own, the leaders'
claims queue with one batch decision, and the overview a page at a time.

The query-count tests render a page with 5 rows, add 245 more (crossing the page size of 50), render
it again, and compare both the query counts and the rows actually shown.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import selectors
from activities.models import ClaimStatus, HourClaim, Registration, RegistrationStatus, Session
from ligepraksis.models import Municipality, Region, Role
from ligepraksis.paging import PAGE_SIZE
from practices.services import practice_grant
from tests.activities.service_factories import (
    bulk_sessions,
    make_activity,
    make_person,
    participate,
    provider,
    render_counted,
)
from tests.conftest import make_practice, make_round, make_user
from tests.helpers import english, login

FEW, MANY = 5, 250


def _sessions(activities, count: int, *, start_day: int = 1, past: bool = False) -> list[Session]:
    return bulk_sessions(activities, count, start_day=start_day, past=past, step=dt.timedelta(hours=1))


_render = render_counted


@pytest.fixture
def big_round(region):
    return make_round(region, open_=False, places=400, hours_count_for="members")


@pytest.fixture
def round_leader(big_round):
    return make_user(role=Role.PROJECT_LEADER, round=big_round)


@pytest.fixture
def activities(big_round):
    return [
        make_activity(big_round, org=provider(f"Udbyder {i}"), kind=kind)
        for i, kind in enumerate(("webinar", "course", "talk"))
    ]


@pytest.fixture
def other_region():
    other = Region.objects.create(name="Region Nordjylland", code="nord")
    Municipality.objects.create(region=other, name="Aalborg")
    return other


# --- The catalogue --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_catalogue_queries_are_equal_for_5_and_250_sessions(activities, region):
    client = Client()
    sessions = _sessions(activities, FEW)
    practice = make_practice(region)
    Registration.objects.create(
        session=sessions[0],
        person=make_person(practice),
        practice=practice,
        status=RegistrationStatus.CONFIRMED,
    )
    url = reverse("activities:catalogue")
    client.get(url)  # warm per-process caches
    few_queries, few_rows, _html = _render(client, url, "session")
    _sessions(activities, MANY - FEW, start_day=30)
    many_queries, many_rows, html = _render(client, url, "session")
    assert (few_rows, many_rows) == (FEW, PAGE_SIZE)
    assert many_queries == few_queries
    assert f"{MANY} " in html and 'data-testid="pager"' in html
    # The last page holds the rest; a page number past the end shows the last page.
    last_queries, last_rows, _html = _render(client, url + "?side=5", "session")
    assert (last_rows, last_queries) == (PAGE_SIZE, few_queries)
    assert _render(client, url + "?side=99", "session")[1] == PAGE_SIZE


@pytest.mark.django_db
def test_catalogue_shows_the_region_of_the_practice_a_user_acts_for(
    activities, big_round, region, other_region
):
    ours = _sessions(activities, 3)
    north_round = make_round(other_region, name="Runde i Nord")
    theirs = _sessions([make_activity(north_round, org=provider("Nordens udbyder"))], 2)
    url = reverse("activities:catalogue")

    def shown(client, query=""):
        response = client.get(url + query)
        return {s.pk for s, _free in response.context["rows"]}

    anonymous = Client()
    assert shown(anonymous) == {s.pk for s in ours + theirs}  # no region known: all, a page at a time
    assert shown(anonymous, f"?region={other_region.pk}") == {s.pk for s in theirs}
    north_practice = make_practice(other_region, municipality="Aalborg")
    north_user = login(Client(), make_user(practice=north_practice))
    assert shown(north_user) == {s.pk for s in theirs}  # the practice's region by default
    assert shown(north_user, f"?region={region.pk}") == {s.pk for s in ours}  # another chosen
    assert shown(north_user, "?region=") == {s.pk for s in ours + theirs}  # "All regions" chosen
    # The region chosen is kept in the pager's links and the month list is the region's.
    response = north_user.get(url)
    assert response.context["filters"]["region"].value() == str(other_region.pk)


@pytest.mark.django_db
def test_catalogue_counts_confirmed_places_of_the_listed_sessions(activities, region):
    (upcoming,) = _sessions(activities, 1)
    (past,) = _sessions(activities, 1, past=True)
    practice = make_practice(region)
    for session, status in (
        (upcoming, RegistrationStatus.CONFIRMED),
        (upcoming, RegistrationStatus.CONFIRMED),
        (upcoming, RegistrationStatus.CANCELLED),
        (upcoming, RegistrationStatus.WAITLISTED),
        (past, RegistrationStatus.CONFIRMED),
    ):
        Registration.objects.create(
            session=session, person=make_person(practice), practice=practice, status=status
        )
    response = Client().get(reverse("activities:catalogue"))
    assert [(s.pk, free) for s, free in response.context["rows"]] == [(upcoming.pk, 18)]


# --- A practice's hours page and its history ------------------------------------------------------


@pytest.mark.django_db
def test_hours_page_and_history_queries_are_equal_for_5_and_250_rows(
    big_round, round_leader, activities, other_region
):
    participation, user = participate(big_round, round_leader)
    practice = participation.practice
    client = login(Client(), user)
    hours_url = reverse("activities:practice_hours", args=[practice.pk])
    history_url = reverse("activities:practice_history", args=[practice.pk])
    person = make_person(practice)
    north = [make_activity(make_round(other_region, name="Nord"), org=provider("Nord"))]

    def add(count: int, start_day: int):
        past = _sessions(activities, count, start_day=start_day, past=True)
        upcoming = _sessions(activities, count, start_day=start_day)
        _sessions(north, count, start_day=start_day)  # another region's: never offered on the page
        Registration.objects.bulk_create(
            [
                Registration(
                    session=s,
                    person=person,
                    practice=practice,
                    status=RegistrationStatus.CONFIRMED,
                    attended=True,
                )
                for s in past
            ]
            + [
                Registration(session=s, person=person, practice=practice, status=RegistrationStatus.CONFIRMED)
                for s in upcoming[: count // 2 or 1]
            ]
        )
        HourClaim.objects.bulk_create(
            HourClaim(
                round=big_round,
                practice=practice,
                person=person,
                description=f"Kursus {i}",
                occurred_on=timezone.localdate() - dt.timedelta(days=i % 30),
                hours=Decimal("1"),
                submitted_by=user,
                status=ClaimStatus.APPROVED,
            )
            for i in range(count)
        )

    client.get(hours_url)
    add(FEW, start_day=1)
    hours_few = _render(client, hours_url, "open-session")
    history_few = _render(client, history_url, "registration")
    claims_few = _render(client, history_url + "?krav=2", "claim")
    add(MANY - FEW, start_day=40)
    hours_many = _render(client, hours_url, "open-session")
    history_many = _render(client, history_url, "registration")
    claims_many = _render(client, history_url + "?krav=2", "claim")
    # The sessions that fit it: open for sign-up, in its region (never the other region's), the first 20.
    assert (hours_few[1], hours_many[1]) == (FEW, selectors.FITTING_SESSIONS)
    assert hours_few[0] == hours_many[0]
    assert hours_few[2].count('data-row="registration"') == 2
    assert hours_many[2].count('data-row="registration"') == selectors.NEXT_SIGNUPS
    assert (history_few[1], history_many[1]) == (FEW, PAGE_SIZE)
    assert history_few[0] == history_many[0]
    assert (claims_few[1], claims_many[1]) == (FEW, PAGE_SIZE)
    assert claims_few[0] == claims_many[0]


@pytest.mark.django_db
def test_hours_page_links_to_the_history(big_round, round_leader):
    participation, user = participate(big_round, round_leader)
    html = (
        login(english(Client()), user)
        .get(reverse("activities:practice_hours", args=[participation.practice_id]))
        .content.decode()
    )
    assert reverse("activities:practice_history", args=[participation.practice_id]) in html
    assert "Past sign-ups and all claimed hours" in html


# --- The claims queue: one form, batch decisions --------------------------------------------------


def _claims(round_obj, practice, user, count: int) -> list[HourClaim]:
    person = make_person(practice)
    return HourClaim.objects.bulk_create(
        HourClaim(
            round=round_obj,
            practice=practice,
            person=person,
            description=f"Kursus {i}",
            occurred_on=timezone.localdate() - dt.timedelta(days=1 + i % 20),
            hours=Decimal("2"),
            submitted_by=user,
        )
        for i in range(count)
    )


@pytest.mark.django_db
def test_claims_queue_queries_are_equal_for_5_and_250_claims_and_there_is_one_form(big_round, round_leader):
    participation, user = participate(big_round, round_leader)
    client = login(Client(), round_leader)
    url = reverse("activities:claims", args=[big_round.pk])
    client.get(url)
    _claims(big_round, participation.practice, user, FEW)
    few_queries, few_rows, _html = _render(client, url, "claim")
    _claims(big_round, participation.practice, user, MANY - FEW)
    many_queries, many_rows, html = _render(client, url, "claim")
    assert (few_rows, many_rows) == (FEW, PAGE_SIZE)
    assert many_queries == few_queries
    assert html.count("<form") - html.count('action="/logout/"') - html.count('action="/sprog/"') == 1
    assert html.count('name="claims"') == PAGE_SIZE
    assert 'name="decision"' in html and html.count('name="reason"') == 1


@pytest.mark.django_db
def test_a_batch_of_claims_is_approved_with_one_post(big_round, round_leader):
    participation, user = participate(big_round, round_leader)
    claims = _claims(big_round, participation.practice, user, 3)
    response = login(english(Client()), round_leader).post(
        reverse("activities:claims_decide", args=[big_round.pk]),
        {"claims": [c.pk for c in claims], "decision": "approve"},
        follow=True,
    )
    assert "3 claims are approved." in response.content.decode()
    assert set(HourClaim.objects.values_list("status", flat=True)) == {ClaimStatus.APPROVED}


@pytest.mark.django_db
def test_a_rejection_needs_one_reason_and_rejects_the_whole_batch(big_round, round_leader):
    participation, user = participate(big_round, round_leader)
    claims = _claims(big_round, participation.practice, user, 2)
    client = login(english(Client()), round_leader)
    url = reverse("activities:claims_decide", args=[big_round.pk])
    refused = client.post(url, {"claims": [c.pk for c in claims], "decision": "reject"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == ["Give a reason for rejecting the claim."]
    assert set(HourClaim.objects.values_list("status", flat=True)) == {ClaimStatus.PENDING}
    html = refused.content.decode()
    for c in claims:  # what was ticked stays ticked
        assert re.search(rf'value="{c.pk}" id="pick-{c.pk}" checked', html)
    client.post(
        url, {"claims": [c.pk for c in claims], "decision": "reject", "reason": "Ingen dokumentation"}
    )
    assert set(HourClaim.objects.values_list("status", "decision_reason")) == {
        (ClaimStatus.REJECTED, "Ingen dokumentation")
    }


@pytest.mark.django_db
def test_a_batch_holding_a_claim_of_the_leaders_own_practice_is_refused_whole_naming_it(
    big_round, round_leader
):
    theirs, their_user = participate(big_round, round_leader)
    own, own_user = participate(big_round, round_leader)
    practice_grant(user=round_leader, practice=own.practice)  # the leader acts for this practice
    others = _claims(big_round, theirs.practice, their_user, 2)
    (mine,) = _claims(big_round, own.practice, own_user, 1)
    client = login(english(Client()), round_leader)
    page = client.get(reverse("activities:claims", args=[big_round.pk])).content.decode()
    assert f'id="pick-{mine.pk}"' not in page  # not offered: another leader decides
    assert 'data-testid="not-yours"' in page
    response = client.post(  # a batch holding it anyway (a crafted or stale form)
        reverse("activities:claims_decide", args=[big_round.pk]),
        {"claims": [c.pk for c in [*others, mine]], "decision": "approve"},
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["claims"]
    assert "Nothing is decided" in message and own.practice.name in message and mine.person.name in message
    assert theirs.practice.name not in message
    assert set(HourClaim.objects.values_list("status", flat=True)) == {ClaimStatus.PENDING}
    # Without it, the rest is decided.
    client.post(
        reverse("activities:claims_decide", args=[big_round.pk]),
        {"claims": [c.pk for c in others], "decision": "approve"},
    )
    assert HourClaim.objects.filter(status=ClaimStatus.APPROVED).count() == 2
    assert HourClaim.objects.get(pk=mine.pk).status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_a_claim_of_another_round_is_no_choice_in_the_batch(big_round, round_leader, region):
    participation, user = participate(big_round, round_leader)
    other_round = make_round(region, open_=False, name="Anden runde")
    other_leader = make_user(role=Role.PROJECT_LEADER, round=other_round)
    foreign = _claims(other_round, participation.practice, user, 1)
    response = login(english(Client()), other_leader).post(
        reverse("activities:claims_decide", args=[other_round.pk]), {"claims": [], "decision": "approve"}
    )
    assert "Tick the claims the decision is for." in response.content.decode()
    response = login(english(Client()), round_leader).post(
        reverse("activities:claims_decide", args=[big_round.pk]),
        {"claims": [foreign[0].pk], "decision": "approve"},
    )
    assert "claims" in response.context["form"].errors
    assert HourClaim.objects.get(pk=foreign[0].pk).status == ClaimStatus.PENDING


# --- The leaders' overview ------------------------------------------------------------------------


@pytest.mark.django_db
def test_overview_queries_are_equal_across_its_pages(big_round, round_leader, activities):
    client = login(Client(), round_leader)
    url = reverse("activities:overview", args=[big_round.pk])
    client.get(url)
    for _ in range(FEW):
        participate(big_round, round_leader)
    _sessions(activities, FEW)
    few_queries, few_rows, few_html = _render(client, url, "participation")
    for _ in range(PAGE_SIZE + 1 - FEW):  # one more than a page of participations
        participate(big_round, round_leader)
    _sessions(activities, MANY - FEW, start_day=30)
    many_queries, many_rows, many_html = _render(client, url, "participation")
    assert (few_rows, many_rows) == (FEW, PAGE_SIZE)
    assert (few_html.count('data-row="fill"'), many_html.count('data-row="fill"')) == (FEW, PAGE_SIZE)
    assert many_queries == few_queries
    assert _render(client, url + "?side=2&hold=5", "participation")[1] == 1


# --- My activities (leaders and providers) --------------------------------------------------------


@pytest.mark.django_db
def test_my_activities_queries_are_equal_for_5_and_250_activities(big_round, round_leader, region):
    from activities.models import Activity

    client = login(Client(), round_leader)
    url = reverse("activities:mine")
    client.get(url)
    practice = make_practice(region)
    person = make_person(practice)

    def add(count: int):
        org = provider()
        activities = Activity.objects.bulk_create(
            Activity(
                round=big_round, provider=org, title=f"Aktivitet {i:03d}", kind="webinar", hours=Decimal("2")
            )
            for i in range(count)
        )
        sessions = _sessions(activities, count, past=True)  # one past session each, attendance not taken
        Registration.objects.bulk_create(
            Registration(session=s, person=person, practice=practice, status=RegistrationStatus.CONFIRMED)
            for s in sessions
        )

    add(FEW)
    few_queries, few_rows, few_html = _render(client, url, "my-session")
    add(MANY - FEW)
    many_queries, many_rows, many_html = _render(client, url, "my-session")
    assert (few_rows, many_rows) == (FEW, 20)
    assert many_queries == few_queries
    needing = re.compile(r'data-testid="needing">(.*?)</ul>', re.S)
    assert needing.search(few_html).group(1).count("<li") == FEW
    assert needing.search(many_html).group(1).count("<li") == selectors.ATTENDANCE_LISTED
