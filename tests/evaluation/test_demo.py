"""The demo has a questionnaire before (answered) and one after (partly answered) whose results page
answers for the evaluator."""

import pytest
from django.urls import reverse

from evaluation.models import Phase, Questionnaire, Response
from ligepraksis.models import Role, RoleGrant
from tests.helpers import english, login


@pytest.mark.django_db
def test_the_demo_has_a_questionnaire_before_answered_and_one_after_partly(demo_db, client):
    before = Questionnaire.objects.get(phase=Phase.BEFORE)
    after = Questionnaire.objects.get(phase=Phase.AFTER)
    invited_after = after.invitations.count()
    assert before.responses.count() >= 5
    assert 0 < after.responses.count() < invited_after
    assert not Response.objects.filter(practice__isnull=False).exists()  # anonymous: tied to nobody
    evaluator = RoleGrant.objects.filter(role=Role.EVALUATOR, round=before.round).first().user
    english(login(client, evaluator))
    page = client.get(reverse("evaluation:results", args=[after.pk]))
    assert page.status_code == 200 and 'data-testid="chart"' in page.content.decode()
    home = client.get("/").content.decode()
    assert reverse("evaluation:questionnaires", args=[before.round_id]) in home


@pytest.mark.django_db
def test_the_demo_has_interviews_evaluations_postcards_and_register_entries(demo_db, client):
    from evaluation.models import Interview, InterviewStatus, KnowledgeItem, PracticeEvaluation
    from evaluation.selectors.sharing import published_postcards

    round_obj = Questionnaire.objects.get(phase=Phase.BEFORE).round
    assert Interview.objects.filter(participation__round=round_obj, status=InterviewStatus.HELD).exists()
    assert Interview.objects.filter(participation__round=round_obj, status=InterviewStatus.PLANNED).exists()
    evaluations = PracticeEvaluation.objects.filter(participation__round=round_obj)
    assert evaluations.count() >= 5
    withdrawn = evaluations.get(consent_withdrawn_at__isnull=False)
    published = list(published_postcards(round_id=round_obj.pk))
    assert len(published) >= 2 and withdrawn not in published
    assert KnowledgeItem.objects.filter(participation__round=round_obj).count() >= 4
    page = client.get(reverse("evaluation:postcards")).content.decode()
    assert page.count('data-row="postcard"') == len(published)
    assert withdrawn.participation.practice.name not in page
    assert "Klinikmodulet: mødeguide" in page  # the clinic module's material (progress/ demo)
    evaluator = RoleGrant.objects.filter(role=Role.EVALUATOR, round=round_obj).first().user
    login(client, evaluator)
    for name in ("interviews", "evaluations", "register"):
        assert client.get(reverse(f"evaluation:{name}", args=[round_obj.pk])).status_code == 200
