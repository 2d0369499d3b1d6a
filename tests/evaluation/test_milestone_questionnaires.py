"""Questionnaires sent when a milestone closes (issue 12): the phase "milestone" names a template of
progress/; closing a practice's milestone (by hand or from its data) invites its coordinators once per
participation, only to a sent questionnaire; anonymity holds; the form asks for the milestone exactly
when the phase needs one."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from applications.models import Participation
from evaluation.models import Invitation, Phase, QuestionKind, Questionnaire, Response
from evaluation.services import questionnaires as services
from ligepraksis.errors import DomainError
from ligepraksis.models import OutboxMessage, Role
from progress.models import Milestone, MilestoneKind, MilestoneTemplate
from progress.services import milestones as milestone_services
from tests.conftest import make_round, make_user
from tests.evaluation.factories import AGREE, participate
from tests.helpers import english, login
from tests.progress.factories import record_clinic_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator(closed_round):
    return make_user(role=Role.EVALUATOR, round=closed_round)


def template(round_obj, kind=MilestoneKind.KNOWLEDGE_SHARING) -> MilestoneTemplate:
    milestone_services.milestone_templates_ensure(rounds=[round_obj])
    return MilestoneTemplate.objects.get(round=round_obj, kind=kind)


def milestone_questionnaire(round_obj, user, tpl, *, anonymous=True, send=True) -> Questionnaire:
    q = services.questionnaire_create(
        user=user,
        round_obj=round_obj,
        title="Efter milepælen",
        phase=Phase.MILESTONE,
        anonymous=anonymous,
        milestone=tpl,
    )
    services.question_add(
        user=user, questionnaire=q, kind=QuestionKind.LIKERT, text="Gik det godt?", options=AGREE
    )
    if send:
        services.questionnaire_send(user=user, questionnaire=q)
    return q


def milestone(participation, tpl) -> Milestone:
    return Milestone.objects.get(participation=participation, template=tpl)


def close(m, leader, reason="Holdt oplæg på KEU-mødet"):
    return milestone_services.milestone_close(milestone=m, user=leader, reason=reason)


def coordinator_emails(participation) -> set[str]:
    app = participation.application
    return {p.email.lower() for p in app.coordinators}


def test_sending_invites_nobody_until_a_milestone_closes(closed_round, evaluator):
    participate(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, template(closed_round))
    assert Questionnaire.objects.get(pk=q.pk).is_sent
    assert not Invitation.objects.filter(questionnaire=q).exists()


def test_closing_the_milestone_invites_the_practice_s_coordinators_once(closed_round, evaluator, leader):
    first, other = participate(closed_round), participate(closed_round)
    tpl = template(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, tpl)
    close(milestone(first, tpl), leader)
    invited = Invitation.objects.filter(questionnaire=q)
    assert set(invited.values_list("email", flat=True)) == coordinator_emails(first)
    assert set(invited.values_list("practice_id", flat=True)) == {first.practice_id}  # not the other
    mails = OutboxMessage.objects.filter(key__in=[f"questionnaire-invitation-{i.pk}" for i in invited])
    assert mails.count() == len(coordinator_emails(first))
    assert other.practice_id not in set(invited.values_list("practice_id", flat=True))


def test_reopening_and_closing_again_does_not_invite_twice(closed_round, evaluator, leader):
    p = participate(closed_round)
    tpl = template(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, tpl)
    close(milestone(p, tpl), leader)
    count, mails = Invitation.objects.filter(questionnaire=q).count(), OutboxMessage.objects.count()
    assert count == 2
    milestone_services.milestone_reopen(milestone=milestone(p, tpl), user=leader, reason="Forkert lukket")
    close(milestone(p, tpl), leader, reason="Nu er den holdt")
    assert Invitation.objects.filter(questionnaire=q).count() == count
    assert OutboxMessage.objects.count() == mails
    assert services.milestone_closed_invite(milestone_ids=[milestone(p, tpl).pk]) == 0  # called again


def test_a_milestone_closed_by_its_data_invites_too(closed_round, evaluator, leader):
    p = participate(closed_round)
    tpl = template(closed_round, MilestoneKind.CLINIC_MODULE)
    q = milestone_questionnaire(closed_round, evaluator, tpl)
    record_clinic_module(p, p.accepted_by)  # saving the record brings the milestones up to date
    milestone_services.milestones_refresh(participations=Participation.objects.filter(pk=p.pk))
    assert milestone(p, tpl).is_done
    assert Invitation.objects.filter(questionnaire=q, practice=p.practice).count() == 2
    milestone_services.milestones_refresh(participations=Participation.objects.filter(pk=p.pk))
    assert Invitation.objects.filter(questionnaire=q).count() == 2


def test_a_questionnaire_not_sent_invites_nobody(closed_round, evaluator, leader):
    p = participate(closed_round)
    tpl = template(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, tpl, send=False)
    close(milestone(p, tpl), leader)
    assert not Invitation.objects.filter(questionnaire=q).exists()
    assert not OutboxMessage.objects.filter(key__startswith="questionnaire-invitation-").exists()


def test_a_questionnaire_sent_after_the_milestone_closed_invites_the_practice_at_sending(
    closed_round, evaluator, leader
):
    p = participate(closed_round)
    tpl = template(closed_round)
    close(milestone(p, tpl), leader)
    q = milestone_questionnaire(closed_round, evaluator, tpl)
    assert set(
        Invitation.objects.filter(questionnaire=q).values_list("email", flat=True)
    ) == coordinator_emails(p)


def test_another_template_s_milestone_and_a_before_questionnaire_invite_nobody(
    closed_round, evaluator, leader
):
    p = participate(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, template(closed_round))
    before = services.questionnaire_create(
        user=evaluator, round_obj=closed_round, title="Før", phase=Phase.BEFORE, anonymous=True
    )
    close(milestone(p, template(closed_round, MilestoneKind.EVALUATION)), leader)
    assert not Invitation.objects.filter(questionnaire__in=[q, before]).exists()


def test_an_anonymous_milestone_answer_keeps_no_link_to_the_practice_or_person(
    closed_round, evaluator, leader
):
    p = participate(closed_round)
    tpl = template(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, tpl)
    close(milestone(p, tpl), leader)
    inv = Invitation.objects.filter(questionnaire=q).first()
    response = services.answer_submit(
        token=services.answer_token(inv),
        questionnaire_id=q.pk,
        answers={q.questions.get().pk: 4},
    )
    row = Response.objects.values().get(pk=response.pk)
    assert row["invitation_id"] is None and row["practice_id"] is None
    assert not [f for f in Response._meta.concrete_fields if isinstance(f, models.DateTimeField)]
    assert Invitation.objects.values_list("answered", flat=True).get(pk=inv.pk) is True


# --- Building: the milestone is required for that phase, refused for the others -----------------------


def test_the_service_requires_the_milestone_for_its_phase_and_refuses_it_for_others(closed_round, evaluator):
    tpl = template(closed_round)
    with pytest.raises(DomainError) as err:
        services.questionnaire_create(
            user=evaluator, round_obj=closed_round, title="T", phase=Phase.MILESTONE, anonymous=True
        )
    assert err.value.field == "milestone"
    with pytest.raises(DomainError) as err:
        services.questionnaire_create(
            user=evaluator,
            round_obj=closed_round,
            title="T",
            phase=Phase.BEFORE,
            anonymous=True,
            milestone=tpl,
        )
    assert err.value.field == "milestone"
    other = template(make_round(closed_round.region, open_=False))
    with pytest.raises(DomainError):
        services.questionnaire_create(
            user=evaluator,
            round_obj=closed_round,
            title="T",
            phase=Phase.MILESTONE,
            anonymous=True,
            milestone=other,
        )
    assert not Questionnaire.objects.exists()


def test_the_database_refuses_a_milestone_on_a_before_questionnaire(closed_round, evaluator):
    from django.db import IntegrityError, transaction

    q = services.questionnaire_create(
        user=evaluator, round_obj=closed_round, title="T", phase=Phase.BEFORE, anonymous=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.filter(pk=q.pk).update(milestone=template(closed_round))


def test_the_form_asks_for_the_milestone_when_the_phase_needs_it(client, closed_round, evaluator):
    tpl = template(closed_round)
    login(client, evaluator)
    url = reverse("evaluation:questionnaire_new", args=[closed_round.pk])
    page = client.get(url)
    assert page.status_code == 200 and tpl.name in page.content.decode()
    data = {"title": "Milepæl", "phase": "milestone", "anonymous": "on", "remind_after_days": "7"}
    missing = client.post(url, data)
    assert missing.status_code == 200 and not Questionnaire.objects.exists()
    assert missing.context["form"].errors["milestone"]
    refused = client.post(url, {**data, "phase": "before", "milestone": str(tpl.pk)})
    assert refused.status_code == 200 and refused.context["form"].errors["milestone"]
    foreign = template(make_round(closed_round.region, open_=False))
    assert client.post(url, {**data, "milestone": str(foreign.pk)}).status_code == 200  # not a choice
    assert not Questionnaire.objects.exists()
    created = client.post(url, {**data, "milestone": str(tpl.pk)})
    assert created.status_code == 302
    assert Questionnaire.objects.get().milestone == tpl


def test_the_results_of_a_milestone_questionnaire_have_one_column_not_before_and_after(
    client, closed_round, evaluator
):
    participate(closed_round)
    q = milestone_questionnaire(closed_round, evaluator, template(closed_round))
    page = english(login(client, evaluator)).get(
        reverse("evaluation:results", args=[q.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="count-before"' in html and 'data-figure="count-after"' not in html
    assert ">Before<" not in html and ">After<" not in html and "Response rate" in html
    assert "Before and after are compared" not in html
