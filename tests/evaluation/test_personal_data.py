"""A person's data export and erasure cover their questionnaire invitations and named answers
(anonymous answers belong to nobody)."""

import pytest

from evaluation import personal_data
from evaluation.models import Answer, Invitation, Response
from evaluation.services import questionnaires as services
from ligepraksis.models import Role
from ligepraksis.registry import registry
from tests.conftest import make_user
from tests.evaluation.factories import answer, participate, questionnaire


@pytest.mark.django_db
def test_export_and_erase_cover_invitations_and_named_answers(closed_round):
    evaluator = make_user(role=Role.EVALUATOR, round=closed_round)
    p = participate(closed_round)
    person = p.application.doctor_coordinator
    named = questionnaire(closed_round, evaluator, anonymous=False, title="Navngivet")
    anonymous = questionnaire(closed_round, evaluator, title="Anonymt")
    for q in (named, anonymous):
        services.questionnaire_send(user=evaluator, questionnaire=q)
        answer(Invitation.objects.get(questionnaire=q, person=person), text=f"Spurgt af {person.name}")
    assert any(part.name == "evaluation" for part in registry.personal_data)
    data = personal_data.export(person)["questionnaire_invitations"]
    assert {row["questionnaire"] for row in data} == {"Navngivet", "Anonymt"}
    by_title = {row["questionnaire"]: row for row in data}
    assert by_title["Anonymt"]["answers"] == [] and by_title["Anonymt"]["answered"] is True
    assert {"question": "Vi har overblik.", "answer": "4 – Enig"} in by_title["Navngivet"]["answers"]

    personal_data.erase(person, label="Anonymiseret person #1")
    assert not Invitation.objects.filter(person=person).exists()
    assert not Invitation.objects.filter(email=person.email).exists()
    named_text = Answer.objects.get(response__questionnaire=named, text__startswith="Spurgt").text
    assert named_text == "Spurgt af Anonymiseret person #1"
    assert Response.objects.count() == 2 and Invitation.objects.filter(answered=True).count() == 2
