"""evaluation/'s part of a person's data (practices/personal_data.py runs it): the questionnaire
invitations sent to the person, and their answers to questionnaires that are not anonymous (an
anonymous answer is tied to nobody, so it is nobody's personal data). Erasing keeps the counts: the
invitation loses its address and person, and the person's name is replaced in their free-text answers.

Of interviews, practice evaluations and the knowledge-sharing register: the interviews the person's
login held (as interviewer: when, where, with which practice, the status; the notes are about the
practice, not the interviewer, and are left out), the register entries it created, the consents to
publish it gave or withdrew, and the history rows it caused. Erasing keeps every row: the login is
taken off them (interviewer, created by, consent recorded by, in the history rows too) and the
person's name is replaced in the texts of their practices' interviews, evaluations and register
entries, history rows included."""

from __future__ import annotations

from evaluation.models import Answer, Interview, Invitation, KnowledgeItem, PracticeEvaluation, Response
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
    return {"questionnaire_invitations": out, **_sharing_export(person)}


INTERVIEW_TEXTS = ("place", "notes")
EVALUATION_TEXTS = ("example", "what_worked", "what_did_not", "learning_points", "recommendations")
KNOWLEDGE_TEXTS = ("title", "channel")
# (model, the field naming the login, texts in which the person's name is replaced)
SHARING = (
    (Interview, "evaluator", INTERVIEW_TEXTS),
    (PracticeEvaluation, "consent_by", EVALUATION_TEXTS),
    (KnowledgeItem, "created_by", KNOWLEDGE_TEXTS),
)


def _sharing_export(person) -> dict:
    empty = {
        "interviews_held": [],
        "evaluation_consents": [],
        "knowledge_sharing_entries": [],
        "evaluation_history": [],
    }
    user = person.user_id
    if not user:
        return empty
    history = []
    for model, _field, _texts in SHARING:
        for h in model.history.filter(history_user_id=user).order_by("history_date", "history_id"):
            history.append(
                {
                    "what": str(model._meta.verbose_name),
                    "id": h.id,
                    "when": h.history_date,
                    "type": h.history_type,
                }
            )
    return {
        "interviews_held": [
            {
                "round": i.participation.round.name,
                "practice": i.participation.practice.name,
                "time": i.scheduled_at,
                "place": i.place,
                "status": i.get_status_display(),
            }
            for i in Interview.objects.filter(evaluator_id=user)
            .select_related("participation__round", "participation__practice")
            .order_by("scheduled_at", "pk")
        ],
        "evaluation_consents": [
            {
                "round": e.participation.round.name,
                "practice": e.participation.practice.name,
                "consent_given_at": e.consent_given_at,
                "consent_withdrawn_at": e.consent_withdrawn_at,
            }
            for e in PracticeEvaluation.objects.filter(consent_by_id=user)
            .select_related("participation__round", "participation__practice")
            .order_by("pk")
        ],
        "knowledge_sharing_entries": [
            {
                "round": k.participation.round.name,
                "practice": k.participation.practice.name,
                "kind": k.get_kind_display(),
                "title": k.title,
                "channel": k.channel,
                "status": k.get_status_display(),
                "date": k.happens_on,
                "link": k.link,
            }
            for k in KnowledgeItem.objects.filter(created_by_id=user)
            .select_related("participation__round", "participation__practice")
            .order_by("pk")
        ],
        "evaluation_history": history,
    }


def _sharing_erase(person, *, label: str) -> None:
    practices = person.memberships.values("practice_id")
    for model, field, texts in SHARING:
        where = {"participation__practice_id__in": practices}
        rewrite_texts(model.objects.filter(**where), texts, person.name, label)
        rewrite_texts(model.history.filter(**where), texts, person.name, label)
        if person.user_id:
            login = {f"{field}_id": person.user_id}
            model.objects.filter(**login).update(**{field: None})
            model.history.filter(**login).update(**{field: None})


def erase(person, *, label: str) -> None:
    invitations = _invitations(person)
    rewrite_texts(Answer.objects.filter(response__invitation__in=invitations), ("text",), person.name, label)
    for inv in invitations:
        Invitation.objects.filter(pk=inv.pk).update(person=None, email=f"slettet-{inv.pk}@invalid.invalid")
    _sharing_erase(person, label=label)


def rounds(person_ids):
    """A person took part in the rounds whose interviews their login held, whose consents it recorded
    and whose register entries it created."""
    from practices.models import Person

    users = dict(Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("user_id", "pk"))
    if not users:
        return
    for model, field, _texts in SHARING:
        for user_id, round_id in (
            model.objects.filter(**{f"{field}_id__in": users})
            .values_list(f"{field}_id", "participation__round_id")
            .distinct()
        ):
            yield users[user_id], round_id


personal_data("evaluation", export=export, erase=erase, rounds=rounds, order=90)
