"""Demo data of evaluation/ (after finance, order 70): the 2026 round's anonymous questionnaire
before the programme, sent and answered by most coordinators, and the one after, sent and partly
answered. Every write goes through the services; the texts are invented."""

from __future__ import annotations

import datetime as dt

from applications.models import Participation
from evaluation.models import Invitation, Phase, QuestionKind, Questionnaire
from evaluation.services import questionnaires as services
from ligepraksis.demo import DemoContext
from ligepraksis.models import Role, RoleGrant
from ligepraksis.registry import demo_builder

AGREE = "Helt uenig\nUenig\nHverken enig eller uenig\nEnig\nHelt enig"
QUESTIONS = (
    (QuestionKind.LIKERT, "Vi har overblik over vores sårbare patienter.", AGREE, None, None),
    (QuestionKind.LIKERT, "Vi har faste arbejdsgange for opfølgning på udeblivelser.", AGREE, None, None),
    (
        QuestionKind.CHOICE,
        "Hvem i praksis tager sig mest af sårbare patienter?",
        "Lægen\nSygeplejersken\nSekretæren\nHele teamet",
        None,
        None,
    ),
    (QuestionKind.NUMBER, "Hvor mange timer om måneden bruger I på opsøgende arbejde?", "", 0, 200),
    (QuestionKind.TEXT, "Hvad er jeres største udfordring lige nu?", "", None, None),
)
TEXTS = (
    "Tid til at ringe patienterne op.",
    "At nå dem, der ikke selv henvender sig.",
    "Tolkning og sprog.",
    "At holde fast i nye vaner i en travl hverdag.",
    "Samarbejdet med kommunen.",
)


def _make(ctx: DemoContext, user, *, phase, title, sent_days_ago, share) -> None:
    q = services.questionnaire_create(
        user=user,
        round_obj=ctx.round_a,
        title=title,
        intro="Spørgeskemaet tager omkring fem minutter. Tak for hjælpen.",
        phase=phase,
        anonymous=True,
    )
    for kind, text, options, low, high in QUESTIONS:
        services.question_add(
            user=user, questionnaire=q, kind=kind, text=text, options=options, minimum=low, maximum=high
        )
    sent = ctx.now - dt.timedelta(days=sent_days_ago)
    services.questionnaire_send(user=user, questionnaire=q, now=sent)
    invitations = list(Invitation.objects.filter(questionnaire=q).order_by("pk"))
    questions = list(q.questions.order_by("order"))
    shift = 1 if phase == Phase.AFTER else 0
    for i, inv in enumerate(invitations[: max(1, round(len(invitations) * share))]):
        rng = ctx.rng
        answers = {
            questions[0].pk: min(5, rng.randint(1, 4) + shift),
            questions[1].pk: min(5, rng.randint(1, 4) + shift),
            questions[2].pk: rng.randint(1, 4),
            questions[3].pk: rng.randint(2, 20) + 4 * shift,
            questions[4].pk: TEXTS[i % len(TEXTS)],
        }
        day = (sent + dt.timedelta(days=1 + i % 6)).date()
        services.answer_submit(
            token=services.answer_token(inv), questionnaire_id=q.pk, answers=answers, today=day
        )


@demo_builder(order=70, name="evaluation")
def build_evaluation(ctx: DemoContext) -> None:
    if Questionnaire.objects.filter(round=ctx.round_a).exists():
        return
    if not Participation.objects.active().filter(round=ctx.round_a).exists():
        return  # nobody to ask yet (the applications' demo accepts the participations)
    grant = RoleGrant.objects.filter(role=Role.EVALUATOR, round=ctx.round_a).select_related("user").first()
    if grant is None:
        return
    _make(
        ctx,
        grant.user,
        phase=Phase.BEFORE,
        title="Før forløbet: arbejdet med sårbare patienter",
        sent_days_ago=150,
        share=0.85,
    )
    _make(
        ctx,
        grant.user,
        phase=Phase.AFTER,
        title="Efter forløbet: arbejdet med sårbare patienter",
        sent_days_ago=5,
        share=0.5,
    )
    ctx.say("evaluation: a questionnaire before (answered) and one after (partly answered)")
