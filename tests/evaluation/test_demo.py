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
