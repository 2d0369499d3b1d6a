"""evaluation/'s part of a person's data (practices/personal_data.py runs it): the questionnaire
invitations sent to the person, and their answers to questionnaires that are not anonymous (an
anonymous answer is tied to nobody, so it is nobody's personal data). Erasing keeps the counts: the
invitation loses its address and person, and the person's name is replaced in their free-text answers."""

from __future__ import annotations

from evaluation.models import Answer, Invitation, Response
from ligepraksis.registry import personal_data
from practices.personal_data import rewrite_texts


def _invitations(person):
    return Invitation.objects.filter(person=person).select_related("questionnaire__round")


def export(person) -> dict:
    out = []
    for inv in _invitations(person).order_by("sent_at", "pk"):
        row = {
            "questionnaire": inv.questionnaire.title,
            "round": inv.questionnaire.round.name,
            "email": inv.email,
            "sent_at": inv.sent_at,
            "reminded_at": inv.reminded_at,
            "answered": inv.answered,
            "answers": [],
        }
        response = (
            Response.objects.filter(invitation=inv).first() if not inv.questionnaire.anonymous else None
        )
        if response is not None:
            row["answered_on"] = response.answered_on
            row["answers"] = [
                {"question": a.question.text, "answer": a.display()}
                for a in response.answers.select_related("question").order_by(
                    "question__order", "question__pk"
                )
            ]
        out.append(row)
    return {"questionnaire_invitations": out}


def erase(person, *, label: str) -> None:
    invitations = _invitations(person)
    rewrite_texts(Answer.objects.filter(response__invitation__in=invitations), ("text",), person.name, label)
    for inv in invitations:
        Invitation.objects.filter(pk=inv.pk).update(person=None, email=f"slettet-{inv.pk}@invalid.invalid")


personal_data("evaluation", export=export, erase=erase, order=90)
