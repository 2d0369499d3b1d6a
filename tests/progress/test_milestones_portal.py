"""The milestones on the start page (the practice's next and overdue milestones, the leaders' count
of overdue ones), the round menu's dashboard link, a person's data (export and erasure, history rows
included) and the demo's spread over the states."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Participation
from progress.models import FollowupMeeting, Milestone, MilestoneState
from progress.services import milestones as services
from progress.services import records
from tests.helpers import english, login
from tests.progress.factories import record_clinic_module, record_followup

pytestmark = pytest.mark.django_db


def test_the_practice_s_card_shows_the_overdue_and_the_next_milestone(closed_round, part):
    participation, puser = part
    closed_round.hour_window_end = dt.date.today() + dt.timedelta(days=40)  # the hour target still to come
    closed_round.save()
    body = english(login(Client(), puser)).get(reverse("home")).content.decode()
    assert f'data-card="practice-milestones-{participation.pk}"' in body or "Milestones in" in body
    # the clock of this machine is late in 2026: the spring-summer milestones are overdue
    today = dt.date.today()
    overdue = Milestone.objects.overdue(today).filter(participation=participation).select_related("template")
    for m in overdue:
        assert m.template.name in body
    assert "overdue since" in body
    assert "next, due" in body


def test_the_leader_s_card_counts_overdue_milestones_with_the_one_rule(closed_round, leader, part):
    participation, _ = part
    services.milestones_refresh(participations=[participation])
    n = Milestone.objects.overdue(dt.date.today()).filter(participation=participation).count()
    body = english(login(Client(), leader)).get(reverse("home")).content.decode()
    assert f"{n} milestones overdue" in body
    assert reverse("progress:dashboard", args=[closed_round.pk]) in body


def test_the_round_menu_links_the_dashboard_for_leaders_only(closed_round, leader, steering):
    from ligepraksis.registry import collect_round_menu

    urls = [link.url for link in collect_round_menu(leader, closed_round, is_leader=True)]
    assert reverse("progress:dashboard", args=[closed_round.pk]) in urls
    urls = [link.url for link in collect_round_menu(steering, closed_round, is_leader=False)]
    assert reverse("progress:dashboard", args=[closed_round.pk]) not in urls


def test_a_consultant_of_another_round_does_not_see_the_progress_page(region, part):
    from ligepraksis.models import Role
    from tests.conftest import make_round, make_user

    participation, _ = part
    other = make_round(region, open_=False)
    consultant = make_user(role=Role.CONSULTANT, round=other)
    response = login(Client(), consultant).get(reverse("progress:progress", args=[participation.pk]))
    assert response.status_code == 404


def test_an_ended_participation_records_nothing(part):
    from django.utils import timezone

    from ligepraksis.errors import DomainError

    participation, puser = part
    Participation.objects.filter(pk=participation.pk).update(ended_at=timezone.now())
    participation.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        record_followup(participation, puser)
    assert exc.value.code == "ended"
    assert not FollowupMeeting.objects.exists()


# --- A person's data ----------------------------------------------------------------------------------


def test_a_person_s_data_export_and_erasure_cover_the_records_and_their_history(part):
    from practices.models import Person
    from practices.personal_data import person_anonymise, person_export

    participation, puser = part
    person = participation.application.doctor_coordinator
    name = person.name
    fm = record_followup(participation, puser, participants=f"{name} og sekretæren")
    records.followup_save(
        participation=participation,
        user=puser,
        version=fm.version,
        data={"decisions": f"{name} ringer til patienterne"},
    )
    data = person_export(person)["progress.milestones"]
    assert any(name in str(row) for row in data["mentioned_in_records"])
    assert FollowupMeeting.history.filter(participants__contains=name).count() == 2

    person_anonymise(person=Person.objects.get(pk=person.pk))
    label = f"Anonymiseret person #{person.pk}"
    fm = FollowupMeeting.objects.get()
    assert name not in fm.participants + fm.decisions and label in fm.participants
    for h in FollowupMeeting.history.all():
        assert name not in h.participants + h.decisions  # history rows included
    assert FollowupMeeting.history.count() == 2  # every row kept


def test_the_export_lists_the_changes_a_person_s_login_made(part):
    from practices.models import Person
    from practices.personal_data import person_export

    participation, puser = part
    person = Person.objects.create(name="Karen Kodeord", kind="staff", user=puser)
    cm = record_clinic_module(participation, puser)
    cm.history.update(history_user=puser)
    changes = person_export(person)["progress.milestones"]["changes_made"]
    assert changes and changes[0]["record"]


# --- The demo -------------------------------------------------------------------------------------------


def test_the_demo_round_s_practices_are_spread_over_the_states(demo_db):
    from ligepraksis.models import ProgrammeRound

    round_a = ProgrammeRound.objects.get(name="Lige Praksis i Midt 2026")
    parts = Participation.objects.filter(round=round_a)
    today = dt.date.today()
    states = {
        m.state(today)
        for m in Milestone.objects.filter(participation__in=parts).select_related("template__round")
    }
    assert {MilestoneState.DONE, MilestoneState.OVERDUE} <= states
    overdue = {p.pk: Milestone.objects.overdue(today).filter(participation=p).count() for p in parts}
    assert len(set(overdue.values())) >= 3  # on track, behind and far behind
    from progress.models import ClinicModule, PdsaCycle

    assert ClinicModule.objects.filter(participation__in=parts).exists()
    assert PdsaCycle.objects.filter(intervention__participation__in=parts).exists()
