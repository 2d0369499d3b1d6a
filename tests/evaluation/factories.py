"""Questionnaires for the tests, made through the services."""

from __future__ import annotations

from applications.models import Participation
from evaluation.models import Invitation, Phase, QuestionKind
from evaluation.services import questionnaires as services
from tests.conftest import make_application

AGREE = "Helt uenig\nUenig\nHverken eller\nEnig\nHelt enig"


def participate(round_obj, **kw) -> Participation:
    app = make_application(round_obj, **kw)
    return Participation.objects.create(
        round=round_obj,
        practice=app.practice,
        application=app,
        terms=round_obj.current_terms(),
        accepted_by=app.created_by,
    )


def questionnaire(round_obj, user, *, phase=Phase.BEFORE, anonymous=True, title="Før forløbet"):
    q = services.questionnaire_create(
        user=user, round_obj=round_obj, title=title, phase=phase, anonymous=anonymous
    )
    services.question_add(
        user=user, questionnaire=q, kind=QuestionKind.LIKERT, text="Vi har overblik.", options=AGREE
    )
    services.question_add(
        user=user, questionnaire=q, kind=QuestionKind.CHOICE, text="Hvem?", options="Lægen\nSygeplejersken"
    )
    services.question_add(
        user=user, questionnaire=q, kind=QuestionKind.NUMBER, text="Timer om måneden?", minimum=0, maximum=100
    )
    services.question_add(
        user=user, questionnaire=q, kind=QuestionKind.TEXT, text="Udfordringer?", required=False
    )
    return q


def questions(q):
    return list(q.questions.order_by("order"))


def answers(q, likert=4, choice=1, number=10, text=""):
    qs = questions(q)
    return {qs[0].pk: likert, qs[1].pk: choice, qs[2].pk: number, qs[3].pk: text}


def post_data(q, **kw) -> dict:
    return {f"q{pk}": ("" if v is None else v) for pk, v in answers(q, **kw).items()}


def token(invitation: Invitation) -> str:
    return services.answer_token(invitation)


def answer(invitation: Invitation, **kw):
    return services.answer_submit(
        token=token(invitation),
        questionnaire_id=invitation.questionnaire_id,
        answers=answers(invitation.questionnaire, **kw),
    )


# --- Interviews, practice evaluations and the knowledge-sharing register ------------------------------


def practice_user(participation):
    """A login acting for the participation's practice (the applicant)."""
    return participation.application.created_by


def evaluation_written(
    participation, *, consent=False, learning="Små vaner holder.", example="Vi ringer op."
):
    from evaluation.services import sharing

    user = practice_user(participation)
    evaluation = sharing.evaluation_save(
        user=user,
        participation=participation,
        version=None,
        data={"example": example, "what_worked": "Faste tider.", "learning_points": learning},
    )
    if consent:
        evaluation = sharing.evaluation_consent(user=user, participation=participation, give=True)
    return evaluation


def evaluation_hours(participation, hours="2", *, kind=None, text="Skrev artikel til Practicus"):
    """An hour entry of the practice, by default under "Evaluation and knowledge sharing" (switched on)."""
    import datetime as dt
    from decimal import Decimal

    from finance.models import ItemKind
    from finance.services.earnings import entry_log
    from tests.finance.factories import item, rates

    rates(participation.round.region)
    pay_item = item(participation.round, kind or ItemKind.EVALUATION, enabled=True, cap=None)
    return entry_log(
        user=practice_user(participation),
        participation=participation,
        item=pay_item,
        worked_on=dt.date(2026, 5, 1),
        description=text,
        hours=Decimal(hours),
    )
