"""A person's data export and erasure cover their questionnaire invitations and named answers
(anonymous answers belong to nobody)."""

import pytest

from evaluation import personal_data
from evaluation.models import Answer, InterviewStatus, Invitation, Response
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


@pytest.mark.django_db
def test_export_and_erase_cover_interviews_evaluations_and_the_register(closed_round):
    """The person's login as interviewer, as the one who recorded consent and as the creator of register
    entries: exported (an interview without its notes) and taken off the rows and their history rows on
    erasure; the person's name is replaced in their practice's texts, history rows included."""
    from evaluation.models import Interview, KnowledgeItem, PracticeEvaluation
    from evaluation.services import sharing
    from practices.services import member_create
    from tests.conftest import make_practice
    from tests.evaluation.factories import evaluation_written, practice_user

    evaluator = make_user(role=Role.EVALUATOR, round=closed_round)
    p = participate(closed_round)
    applicant = practice_user(p)
    person = p.application.doctor_coordinator
    person.user = applicant
    person.save(update_fields=["user"])
    name = person.name
    interviewer = member_create(
        practice=make_practice(closed_round.region), name="Eva Evaluatorsen", kind="staff"
    )
    interviewer.user = evaluator
    interviewer.save(update_fields=["user"])

    interview = sharing.interview_schedule(
        user=evaluator,
        participation=p,
        scheduled_at=closed_round.application_deadline,
        place="Video",
        notes=f"Talte med {name} om opringninger.",
    )
    evaluation_written(p, consent=True, learning=f"{name} ringer op hver morgen.")
    item = sharing.knowledge_item_add(
        user=applicant,
        participation=p,
        data={"kind": "article", "title": f"Artikel af {name}", "status": "planned"},
    )

    data = personal_data.export(person)
    assert [row["practice"] for row in data["evaluation_consents"]] == [p.practice.name]
    assert [row["title"] for row in data["knowledge_sharing_entries"]] == [f"Artikel af {name}"]
    assert {row["what"] for row in data["evaluation_history"]} == {
        str(PracticeEvaluation._meta.verbose_name),
        str(KnowledgeItem._meta.verbose_name),
    }
    held = personal_data.export(interviewer)["interviews_held"]
    assert held == [
        {
            "round": closed_round.name,
            "practice": p.practice.name,
            "time": interview.scheduled_at,
            "place": "Video",
            "status": str(InterviewStatus.PLANNED.label),
        }
    ]  # the notes are about the practice, not the interviewer

    personal_data.erase(person, label="Anonymiseret person #1")
    evaluation = PracticeEvaluation.objects.get()
    assert evaluation.learning_points == "Anonymiseret person #1 ringer op hver morgen."
    assert Interview.objects.get().notes == "Talte med Anonymiseret person #1 om opringninger."
    assert KnowledgeItem.objects.get().title == "Artikel af Anonymiseret person #1"
    for model, field in (
        (PracticeEvaluation, "learning_points"),
        (Interview, "notes"),
        (KnowledgeItem, "title"),
    ):
        assert not model.history.filter(**{f"{field}__contains": name}).exists(), model
    assert evaluation.consent_by is None and evaluation.consent_given_at is not None
    assert not PracticeEvaluation.history.filter(consent_by=applicant).exists()
    assert KnowledgeItem.objects.get(pk=item.pk).created_by is None
    assert not KnowledgeItem.history.filter(created_by=applicant).exists()
    assert Interview.objects.get().evaluator == evaluator  # not this person's

    personal_data.erase(interviewer, label="Anonymiseret person #2")
    assert Interview.objects.get().evaluator is None
    assert not Interview.history.filter(evaluator=evaluator).exists()
    assert (Interview.objects.count(), PracticeEvaluation.objects.count(), KnowledgeItem.objects.count()) == (
        1,
        1,
        1,
    )
