"""The leaders' dashboard and the practice's progress page: the matrix shows a badge with a text label
in every cell, sorts by how far behind, links each cell to the evidence, leaves the merge columns
empty, and uses the same number of queries for 5 and for 50 practices (all rows rendered, counted)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Participation
from ligepraksis.models import Role
from progress.models import ClinicModule, Milestone, MilestoneKind
from progress.selectors import milestones as selectors
from progress.services import milestones as services
from tests.activities.service_factories import participate
from tests.conftest import make_round, make_user
from tests.helpers import english, login
from tests.progress.factories import pdsa_data, record_clinic_module, record_intervention

pytestmark = pytest.mark.django_db


def _render(client: Client, url: str, row: str) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    return len(queries), body.count(f'data-row="{row}"'), body


@pytest.fixture
def big_round(region):
    return make_round(region, open_=False, places=60)


@pytest.fixture
def round_leader(big_round):
    return make_user(role=Role.PROJECT_LEADER, round=big_round)


def _participate(round_obj, leader, n):
    accepted = timezone.now() - dt.timedelta(days=30)
    out = []
    for _ in range(n):
        p, user = participate(round_obj, leader, accepted_at=accepted)
        out.append((p, user))
    return out


def test_dashboard_queries_do_not_grow_with_practices(big_round, round_leader):
    client = english(login(Client(), round_leader))
    url = reverse("progress:dashboard", args=[big_round.pk])
    first = _participate(big_round, round_leader, 5)
    record_clinic_module(*first[0])
    client.get(url)  # the milestones are made on the first visit
    few, rows_few, body = _render(client, url, "participation")
    assert rows_few == 5
    assert body.count('data-cell="milestone"') == 5 * 8
    more = _participate(big_round, round_leader, 45)
    record_intervention(*more[0])
    client.get(url)
    many, rows_many, body = _render(client, url, "participation")
    assert rows_many == 50
    assert body.count('data-cell="milestone"') == 50 * 8
    assert few == many, f"{few} queries for 5 practices, {many} for 50"


def test_progress_page_queries_do_not_grow_with_records(part, leader):
    """The page shows the 8 milestones and the records with the number of PDSA cycles."""
    from progress.services.records import pdsa_cycle_add

    participation, puser = part
    client = login(Client(), puser)
    url = reverse("progress:progress", args=[participation.pk])
    record_clinic_module(participation, puser)
    intervention = record_intervention(participation, puser)
    pdsa_cycle_add(intervention=intervention, user=puser, data=pdsa_data())
    client.get(url)
    few, rows, _body = _render(client, url, "milestone")
    assert rows == 8
    for _ in range(20):
        pdsa_cycle_add(intervention=intervention, user=puser, data=pdsa_data())
    client.get(url)
    many, rows, _body = _render(client, url, "milestone")
    assert rows == 8
    assert few == many


def test_every_cell_has_a_badge_with_a_text_label_and_links_to_the_evidence(closed_round, leader, part):
    participation, puser = part
    record_clinic_module(participation, puser)
    client = english(login(Client(), leader))
    response = client.get(reverse("progress:dashboard", args=[closed_round.pk]))
    body = response.content.decode()
    cm = Milestone.objects.get(participation=participation, template__kind=MilestoneKind.CLINIC_MODULE)
    assert f'href="{reverse("progress:milestone", args=[cm.pk])}"' in body
    assert 'data-state="done">done</span>' in body
    # the evidence is one click away: the milestone page says what closed it and links to the record
    page = client.get(reverse("progress:milestone", args=[cm.pk])).content.decode()
    assert (
        "Klinikmodul afholdt" in page and reverse("progress:clinic_module", args=[participation.pk]) in page
    )
    # the columns filled in at merge render nothing while None
    assert "Last status report" not in body and "Consultant hours" not in body


def test_the_dashboard_sorts_by_how_far_behind(closed_round, leader):
    accepted = timezone.now() - dt.timedelta(days=30)
    (ahead, ahead_user), (behind, _u) = (
        participate(closed_round, leader, accepted_at=accepted),
        participate(closed_round, leader, accepted_at=accepted),
    )
    record_clinic_module(ahead, ahead_user)
    services.milestones_refresh(participations=Participation.objects.all())
    today = dt.date(2026, 12, 1)  # after the spring-summer and autumn due dates
    order = list(selectors.dashboard_participations(Participation.objects.all(), today=today))
    assert [p.pk for p in order] == [behind.pk, ahead.pk]
    assert order[0].overdue_count == order[1].overdue_count + 1
    by_name = list(
        selectors.dashboard_participations(Participation.objects.all(), today=today, sort=selectors.SORT_NAME)
    )
    assert [p.practice.name for p in by_name] == sorted(p.practice.name for p in by_name)


def test_the_rows_leave_room_for_the_merge_columns(closed_round, leader, part):
    services.milestones_refresh(participations=Participation.objects.all())
    (row,) = selectors.dashboard_rows(
        Participation.objects.all(), selectors.templates_of(closed_round), today=timezone.localdate()
    )
    assert row.last_report is None and row.consultant_hours is None


def test_a_leader_closes_a_milestone_on_its_page_only_with_a_reason(leader, part):
    participation, _ = part
    services.milestones_refresh(participations=[participation])
    m = Milestone.objects.get(participation=participation, template__kind=MilestoneKind.KNOWLEDGE_SHARING)
    client = english(login(Client(), leader))
    url = reverse("progress:milestone", args=[m.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert not Milestone.objects.get(pk=m.pk).is_done
    response = client.post(url, {"reason": "Oplæg på KEU-møde"})
    assert response.status_code == 302
    assert Milestone.objects.get(pk=m.pk).is_done
    assert "Oplæg på KEU-møde" in client.get(url).content.decode()


def test_the_practice_records_its_clinic_module_on_the_page(part):
    participation, puser = part
    client = english(login(Client(), puser))
    url = reverse("progress:clinic_module", args=[participation.pk])
    assert client.get(url).status_code == 200
    data = {
        "held_on": timezone.localdate().strftime("%d.%m.%Y"),
        "doctors": "2",
        "staff": "4",
        "patient_group_text": "Borgere med misbrug",
        "challenges": "Mange aflyste tider",
        "focus_text": "Opsøgende opkald",
    }
    response = client.post(url, {**data, "doctors": "201"})
    assert response.status_code == 200 and not ClinicModule.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    response = client.post(url, {**data, "version": "1", "staff": "6"})
    assert response.status_code == 302
    response = client.post(url, {**data, "version": "1", "staff": "9"})  # a stale version
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert ClinicModule.objects.get().staff == 6


def test_the_leader_s_template_page_changes_a_due_date_but_not_the_hour_target_s(closed_round, leader):
    client = english(login(Client(), leader))
    url = reverse("progress:template", args=[closed_round.pk])
    assert client.get(url).status_code == 200
    from progress.models import MilestoneTemplate

    data = {}
    for t in MilestoneTemplate.objects.filter(round=closed_round):
        data[f"t{t.pk}-name"] = t.name
        data[f"t{t.pk}-order"] = t.order
        due = t.due_date.strftime("%d.%m.%Y") if t.due_date else ""
        data[f"t{t.pk}-due_date"] = "15.09.2026" if t.kind == "startup" else due
    assert client.post(url, data).status_code == 302
    assert MilestoneTemplate.objects.get(round=closed_round, kind="startup").due_date == dt.date(2026, 9, 15)
    assert MilestoneTemplate.objects.get(round=closed_round, kind="hours").due_date is None
    # a missing due date saves nothing
    start = MilestoneTemplate.objects.get(round=closed_round, kind="startup")
    data[f"t{start.pk}-due_date"] = ""
    data[f"t{start.pk}-name"] = "Ændret"
    assert client.post(url, data).status_code == 200
    assert MilestoneTemplate.objects.get(pk=start.pk).name != "Ændret"


def test_the_steering_group_reads_the_progress_page_without_a_link_it_cannot_open(part, steering):
    participation, _ = part
    client = login(Client(), steering)
    body = client.get(reverse("progress:progress", args=[participation.pk])).content.decode()
    hours = reverse("activities:practice_hours", args=[participation.practice_id])
    assert hours not in body
    assert client.get(hours).status_code == 404
    leader_body = login(Client(), make_user(role=Role.PROJECT_LEADER, round=participation.round)).get(
        reverse("progress:progress", args=[participation.pk])
    )
    assert hours in leader_body.content.decode()
