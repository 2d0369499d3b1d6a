"""Consultants (issue 10): assignment rules, sessions against the budget, raises with a reason, who sees
notes, the consultant's page (query counts), the selector, personal data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Participation
from applications.services import participation_assign_consultant
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from practices.services import member_create
from progress.models.consultants import ConsultantBudgetRaise, ConsultantSession
from progress.selectors.consultants import consultant_hours_used
from progress.services.consultants import consultant_budget_raise, consultant_session_record
from tests.conftest import make_application, make_round, make_user
from tests.helpers import english, login

pytestmark = pytest.mark.django_db


def participate(round_obj, **kw) -> Participation:
    app = make_application(round_obj, **kw)
    return Participation.objects.create(
        round=round_obj,
        practice=app.practice,
        application=app,
        terms=round_obj.current_terms(),
        accepted_by=app.created_by,
        accepted_at=timezone.now() - dt.timedelta(days=30),
    )


@pytest.fixture
def setup(closed_round, leader):
    participation = participate(closed_round)
    consultant = make_user("konsulent@example.org", role=Role.CONSULTANT, round=closed_round)
    participation_assign_consultant(participation=participation, consultant=consultant, by=leader)
    participation.refresh_from_db()
    return participation, consultant, leader


def record(participation, by, *, hours="1", kind="medical", note="Aftalt opfølgning", **kw):
    values = {
        "participation": participation,
        "by": by,
        "held_on": timezone.localdate() - dt.timedelta(days=1),
        "hours": Decimal(hours),
        "kind": kind,
        "topic": "Klinikmodulet",
        "note": note,
    }
    values.update(kw)
    return consultant_session_record(**values)


# --- Assignment -----------------------------------------------------------------------------------------


def test_a_leader_assigns_and_the_history_keeps_who(setup):
    participation, consultant, leader = setup
    assert participation.consultant == consultant
    last = participation.history.order_by("-history_date", "-history_id").first()
    assert last.consultant_id == consultant.pk and last.history_user_id == leader.pk


def test_only_a_leader_of_the_round_assigns(setup, closed_round):
    participation, consultant, _leader = setup
    other_leader = make_user(role=Role.PROJECT_LEADER, round=make_round(closed_round.region))
    for who in (consultant, other_leader, participation.accepted_by):
        with pytest.raises(DomainError) as exc:
            participation_assign_consultant(participation=participation, consultant=None, by=who)
        assert exc.value.code == "not_allowed"
    participation.refresh_from_db()
    assert participation.consultant == consultant


def test_a_consultant_without_the_rounds_grant_is_refused(setup):
    participation, _consultant, leader = setup
    stranger = make_user()
    with pytest.raises(DomainError) as exc:
        participation_assign_consultant(participation=participation, consultant=stranger, by=leader)
    assert exc.value.code == "not_eligible" and "er ikke konsulent i denne runde" in str(exc.value)


def test_never_to_a_practice_the_consultant_acts_for(setup):
    participation, _consultant, leader = setup
    insider = make_user(role=Role.CONSULTANT, round=participation.round, practice=participation.practice)
    with pytest.raises(DomainError) as exc:
        participation_assign_consultant(participation=participation, consultant=insider, by=leader)
    assert exc.value.code == "not_eligible" and "kan ikke være dens konsulent" in str(exc.value)


def test_never_to_a_practice_the_consultant_is_a_member_of(setup):
    participation, _consultant, leader = setup
    member_login = make_user(role=Role.CONSULTANT, round=participation.round)
    person = member_create(practice=participation.practice, name="Karen Lund Holm", kind="doctor")
    person.user = member_login
    person.save(update_fields=["user"])
    with pytest.raises(DomainError) as exc:
        participation_assign_consultant(participation=participation, consultant=member_login, by=leader)
    assert exc.value.code == "not_eligible"


def test_the_refusal_reads_danish(setup):
    participation, _consultant, leader = setup
    from django.utils import translation

    with translation.override("da"), pytest.raises(DomainError) as exc:
        participation_assign_consultant(participation=participation, consultant=make_user(), by=leader)
    assert "er ikke konsulent i denne runde" in str(exc.value)


def test_the_assignment_page_saves_a_consultant(setup, closed_round):
    participation, consultant, leader = setup
    client = english(login(Client(), leader))
    url = reverse("progress:consultant_assign", args=[closed_round.pk])
    response = client.post(url, {"participation": participation.pk, "consultant": ""}, follow=True)
    assert "The consultant of" in response.content.decode()
    participation.refresh_from_db()
    assert participation.consultant is None
    page = client.get(url).content.decode()
    assert page.count('data-row="participation"') == 1 and f'<option value="{consultant.pk}">' in page


# --- Sessions and budget --------------------------------------------------------------------------------


def test_the_consultant_and_a_leader_record_sessions(setup):
    participation, consultant, leader = setup
    record(participation, consultant, hours="1")
    record(participation, leader, hours="0.5", kind="process")
    assert consultant_hours_used([participation.pk]) == {
        participation.pk: {"medical": Decimal("1"), "process": Decimal("0.5")}
    }
    first = ConsultantSession.objects.get(kind="medical")
    assert first.history.get().history_user_id == consultant.pk


def test_the_practice_and_the_steering_group_cannot_record(setup, steering):
    participation, _consultant, _leader = setup
    unassigned = make_user(role=Role.CONSULTANT, round=participation.round)
    for who in (participation.accepted_by, steering, unassigned):
        with pytest.raises(DomainError) as exc:
            record(participation, who)
        assert exc.value.code == "not_allowed"
    assert not ConsultantSession.objects.exists()


def test_a_session_over_the_budget_is_refused_and_nothing_is_saved(setup):
    participation, consultant, _leader = setup
    record(participation, consultant, hours="1.5")  # medical budget: 2 hours (round default)
    with pytest.raises(DomainError) as exc:
        record(participation, consultant, hours="1")
    assert exc.value.code == "over_budget" and exc.value.field == "hours"
    assert ConsultantSession.objects.count() == 1
    record(participation, consultant, hours="0.5")  # exactly the budget is fine
    record(participation, consultant, hours="4", kind="process")  # process: 4 hours


def test_a_raise_with_a_reason_lets_the_session_in_and_is_kept(setup):
    participation, consultant, leader = setup
    record(participation, consultant, hours="2")
    with pytest.raises(DomainError):
        record(participation, consultant, hours="1")
    with pytest.raises(DomainError) as exc:
        consultant_budget_raise(
            participation=participation, by=leader, kind="medical", hours=Decimal("1"), reason=" "
        )
    assert exc.value.code == "reason_missing"
    with pytest.raises(DomainError) as exc:
        consultant_budget_raise(
            participation=participation, by=consultant, kind="medical", hours=Decimal("1"), reason="Mere tid"
        )
    assert exc.value.code == "not_allowed"
    consultant_budget_raise(
        participation=participation, by=leader, kind="medical", hours=Decimal("1"), reason="Svær opstart"
    )
    record(participation, consultant, hours="1")
    kept = ConsultantBudgetRaise.objects.get()
    assert (kept.reason, kept.raised_by) == ("Svær opstart", leader)


def test_the_round_setting_is_the_budget(setup):
    participation, consultant, _leader = setup
    participation.round.consultant_hours_medical = Decimal("0.5")
    participation.round.save(update_fields=["consultant_hours_medical"])
    with pytest.raises(DomainError):
        record(participation, consultant, hours="1")


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_hours_at_or_below_zero_are_refused(setup, hours):
    participation, consultant, _leader = setup
    with pytest.raises(DomainError) as exc:
        record(participation, consultant, hours=hours)
    assert exc.value.field == "hours"
    assert not ConsultantSession.objects.exists()


def test_a_cpr_number_in_a_text_is_refused(setup):
    participation, consultant, leader = setup
    with pytest.raises(DomainError) as exc:
        record(participation, consultant, note="Patient 010190-1234 ringede")
    assert exc.value.field == "note"
    with pytest.raises(DomainError):
        consultant_budget_raise(
            participation=participation, by=leader, kind="process", hours=Decimal("1"), reason="010190-1234"
        )
    assert not ConsultantSession.objects.exists() and not ConsultantBudgetRaise.objects.exists()


def test_dates_outside_the_participation_are_refused(setup):
    participation, consultant, _leader = setup
    for day, code in (
        (timezone.localdate() + dt.timedelta(days=1), "future"),
        (timezone.localdate(participation.accepted_at) - dt.timedelta(days=1), "before_participation"),
    ):
        with pytest.raises(DomainError) as exc:
            record(participation, consultant, held_on=day)
        assert exc.value.code == code


def test_the_page_refuses_over_budget_with_a_message_at_the_field(setup):
    participation, consultant, _leader = setup
    record(participation, consultant, hours="2")
    client = english(login(Client(), consultant))
    response = client.post(
        reverse("progress:consultant_sessions", args=[participation.pk]),
        {"held_on": f"{timezone.localdate():%d.%m.%Y}", "hours": "1", "kind": "medical", "topic": "Mere"},
    )
    assert response.status_code == 200
    assert "would exceed the practice&#x27;s budget" in response.content.decode()
    assert ConsultantSession.objects.count() == 1


def test_the_leader_raises_through_the_page(setup):
    participation, _consultant, leader = setup
    client = english(login(Client(), leader))
    url = reverse("progress:consultant_budget", args=[participation.pk])
    response = client.post(url, {"kind": "process", "hours": "2", "reason": "Ekstra forløb"}, follow=True)
    body = response.content.decode()
    assert "The budget is raised." in body and "Ekstra forløb" in body
    assert "Process consultant: 0 of 6 hours" in " ".join(body.split())  # 4 + 2 process hours


# --- Who sees the notes ---------------------------------------------------------------------------------


def test_the_steering_group_never_sees_notes(setup, steering):
    participation, consultant, leader = setup
    record(participation, consultant, note="Hemmelig faglig note")
    url = reverse("progress:consultant_sessions", args=[participation.pk])
    for who in (participation.accepted_by, consultant, leader):
        assert "Hemmelig faglig note" in login(Client(), who).get(url).content.decode()
    page = login(Client(), steering).get(url).content.decode()
    assert "Klinikmodulet" in page  # the session is shown
    assert "Hemmelig faglig note" not in page and 'data-field="note"' not in page


# --- The consultant's page ------------------------------------------------------------------------------


def _page_queries(consultant) -> tuple[int, str]:
    client = english(login(Client(), consultant))
    url = reverse("progress:consultant_home")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_consultant_page_query_count_does_not_grow(closed_round, leader):
    consultant = make_user("konsulent@example.org", role=Role.CONSULTANT, round=closed_round)
    counts = {}
    made = []
    for total in (5, 50):
        while len(made) < total:
            p = participate(closed_round)
            participation_assign_consultant(participation=p, consultant=consultant, by=leader)
            record(p, consultant, hours="1")
            record(p, leader, hours="2", kind="process", note="")
            made.append(p)
        queries, html = _page_queries(consultant)
        assert html.count('data-row="consultant-practice"') == total
        counts[total] = queries
    assert counts[5] == counts[50], counts
    assert "Medical consultant: 1 of 2 hours" in " ".join(html.split())


def test_the_consultant_page_lists_only_assigned_practices(setup, closed_round):
    participation, consultant, _leader = setup
    other = participate(closed_round)
    _queries, html = _page_queries(consultant)
    assert participation.practice.name in html and other.practice.name not in html


def test_the_card_and_menu_show_assigned_practices_only(setup, closed_round):
    participation, consultant, _leader = setup
    other = participate(closed_round)
    html = english(login(Client(), consultant)).get(reverse("home")).content.decode()
    assert participation.practice.name in html and other.practice.name not in html
    assert reverse("progress:consultant_home") in html


def test_consultant_hours_used_is_one_grouped_query(setup, closed_round):
    participation, consultant, leader = setup
    second = participate(closed_round)
    participation_assign_consultant(participation=second, consultant=consultant, by=leader)
    record(participation, consultant, hours="1")
    record(participation, consultant, hours="0.5")
    record(second, consultant, hours="3", kind="process")
    with CaptureQueriesContext(connection) as ctx:
        used = consultant_hours_used([participation.pk, second.pk])
    assert len(ctx.captured_queries) == 1
    assert used[participation.pk] == {"medical": Decimal("1.5"), "process": Decimal("0")}
    assert used[second.pk] == {"medical": Decimal("0"), "process": Decimal("3")}


# --- Personal data --------------------------------------------------------------------------------------


def test_personal_data_exports_and_erases_the_name_history_included(setup):
    from practices.personal_data import anonymised_name
    from progress.portals.consultants import erase, export

    participation, consultant, _leader = setup
    person = participation.application.doctor_coordinator
    record(participation, consultant, note=f"Talt med {person.name} om målgruppen")
    data = export(person)
    assert len(data["consultant_sessions"]) == 1 and data["consultant_session_history"]
    label = anonymised_name(person.pk)
    erase(person, label=label)
    session = ConsultantSession.objects.get()
    assert person.name not in session.note and label in session.note
    assert all(person.name not in h.note for h in session.history.all())
    assert session.hours == Decimal("1")


def test_the_assignment_page_query_count_does_not_grow(closed_round, leader):
    consultants = [
        make_user(f"konsulent{n}@example.org", role=Role.CONSULTANT, round=closed_round) for n in range(3)
    ]
    client = english(login(Client(), leader))
    url = reverse("progress:consultant_assign", args=[closed_round.pk])
    counts, made = {}, 0
    for total in (5, 50):
        while made < total:
            participate(closed_round)
            made += 1
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        assert html.count('data-row="participation"') == total
        for c in consultants:  # every consultant in every row's select
            assert html.count(f'<option value="{c.pk}"') == total
        counts[total] = len(ctx.captured_queries)
    assert counts[5] == counts[50], counts
