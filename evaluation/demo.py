"""Demo data of evaluation/ (after finance, order 70): the 2026 round's anonymous questionnaire
before the programme, sent and answered by most coordinators, and the one after, sent and partly
answered; then (order 71) a few interviews, the evaluations of most participating practices (some
consenting to publish, one having withdrawn its consent) and knowledge-sharing entries, linked to the
practices' evaluation hours where finance's demo logged any. Every write goes through the services;
the texts are invented."""

from __future__ import annotations

import datetime as dt

from applications.models import Participation
from evaluation.models import (
    Interview,
    InterviewStatus,
    Invitation,
    KnowledgeKind,
    KnowledgeStatus,
    Phase,
    PracticeEvaluation,
    QuestionKind,
    Questionnaire,
)
from evaluation.selectors.sharing import linkable_hour_entries
from evaluation.services import questionnaires as services
from evaluation.services import sharing as sharing_services
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


# --- Interviews, practice evaluations and the knowledge-sharing register (invented texts) ---------------

EXAMPLES = (
    "Vi ringer til patienter med psykisk sygdom, når de udebliver fra en kontrol, og tilbyder en ny tid "
    "samme dag. Sekretæren har en fast liste og ti minutter hver morgen til opringningerne.",
    "Sygeplejersken har fået faste dobbelttider til patienter med flere kroniske sygdomme, så der er ro "
    "til at tale om medicin og hverdag.",
    "Vi har lavet en enkel huskeliste til samtalen med patienter, der har svært ved at læse, og bruger "
    "billeder, når vi forklarer medicinen.",
    "Vi holder et kort møde hver anden uge med kommunens sagsbehandlere om fælles patienter.",
)
WORKED = (
    "Faste tider til opringninger. Hele personalet kender målgruppen.",
    "Dobbelttiderne gav ro i konsultationen, og flere kom til deres årskontrol.",
    "Huskelisten er let at bruge, også for nye kolleger.",
)
NOT_WORKED = (
    "Det var svært at holde fast i ferieperioden.",
    "Nogle patienter havde ikke et telefonnummer, der virkede.",
    "",
)
LEARNING = (
    "Små faste vaner holder bedre end store planer.\nTag hele personalet med fra start.",
    "Det betaler sig at give tid til de patienter, der har mest brug for den.\nMål på få ting, men gør "
    "det hver måned.",
    "Et fast samarbejde med kommunen sparer tid for alle.\nSpørg patienten, hvad der er svært.",
)
RECOMMENDATIONS = (
    "Start med en lille gruppe patienter og udvid, når arbejdsgangen sidder.",
    "Brug klinikmodulet til at blive enige om målgruppen.",
)
NOTES = (
    "Praksis fortæller, at opringningerne er blevet en fast del af morgenen. Tovholderne vil gerne dele "
    "erfaringerne på et webinar.",
    "God samtale. Praksis savner et redskab til at følge gruppen over tid; sygeplejersken har lavet sit eget "
    "skema.",
)
REGISTER = (
    (KnowledgeKind.ARTICLE, "Små vaner gør en stor forskel", "Practicus", KnowledgeStatus.PUBLISHED),
    (
        KnowledgeKind.WEBINAR,
        "Opringninger ved udeblivelser",
        "Webinar for Lige Praksis",
        KnowledgeStatus.PLANNED,
    ),
    (KnowledgeKind.KEU_PRESENTATION, "Erfaringer fra egen indsats", "KEU-møde", KnowledgeStatus.IN_PROGRESS),
    (KnowledgeKind.POSTCARD, "Postkort: tid til de sårbare", "MidtKraft.dk", KnowledgeStatus.PUBLISHED),
    (KnowledgeKind.PODCAST, "Almen praksis for alle", "Podcast fra MidtKraft", KnowledgeStatus.PLANNED),
    (
        KnowledgeKind.ARTICLE,
        "Samarbejde med kommunen om sårbare patienter",
        "Månedsskrift for Almen Praksis",
        KnowledgeStatus.IN_PROGRESS,
    ),
)


@demo_builder(order=71, name="evaluation.sharing")
def build_sharing(ctx: DemoContext) -> None:
    """A few interviews, evaluations of all but one participating practice of the 2026 round (every
    other one consenting to publish, one having withdrawn), and register entries for most."""
    if ctx.round_a is None or PracticeEvaluation.objects.filter(participation__round=ctx.round_a).exists():
        return
    participations = list(
        Participation.objects.active()
        .filter(round=ctx.round_a)
        .select_related("round", "practice", "application__created_by")
        .order_by("practice__name", "pk")
    )
    grant = RoleGrant.objects.filter(role=Role.EVALUATOR, round=ctx.round_a).select_related("user").first()
    if not participations or grant is None:
        return
    evaluator = grant.user
    for i, p in enumerate(participations[:4]):
        held = i < 2
        interview = sharing_services.interview_schedule(
            user=evaluator,
            participation=p,
            scheduled_at=ctx.now + dt.timedelta(days=(-20 + 3 * i) if held else (7 + 2 * i), hours=2),
            place="Video: https://moede.midtkraft.example/lige-praksis"
            if i % 2
            else f"I praksis, {p.practice.city}",
        )
        if held:
            sharing_services.interview_update(
                user=evaluator,
                interview=interview,
                version=interview.version,
                data={"status": InterviewStatus.HELD, "notes": NOTES[i % len(NOTES)]},
            )
    published = withdrawn = linked = 0
    for i, p in enumerate(participations[:-1]):
        user = p.application.created_by
        sharing_services.evaluation_save(
            user=user,
            participation=p,
            version=None,
            data={
                "example": EXAMPLES[i % len(EXAMPLES)],
                "what_worked": WORKED[i % len(WORKED)],
                "what_did_not": NOT_WORKED[i % len(NOT_WORKED)],
                "learning_points": LEARNING[i % len(LEARNING)],
                "recommendations": RECOMMENDATIONS[i % len(RECOMMENDATIONS)],
            },
            now=ctx.now - dt.timedelta(days=10 - i),
        )
        if i % 2 == 0:
            sharing_services.evaluation_consent(
                user=user, participation=p, give=True, now=ctx.now - dt.timedelta(days=8 - i)
            )
            published += 1
        if i == 2:  # changed its mind
            sharing_services.evaluation_consent(
                user=user, participation=p, give=False, now=ctx.now - dt.timedelta(days=2)
            )
            published, withdrawn = published - 1, withdrawn + 1
    for i, p in enumerate(participations):
        if i % 4 == 3:
            continue
        entries = list(linkable_hour_entries(p.pk).values_list("pk", flat=True)[:2])
        for k in range(1 + i % 2):
            kind, title, channel, status = REGISTER[(i + k) % len(REGISTER)]
            sharing_services.knowledge_item_add(
                user=p.application.created_by,
                participation=p,
                data={
                    "kind": kind,
                    "title": title,
                    "channel": channel,
                    "status": status,
                    "happens_on": (ctx.now + dt.timedelta(days=30 * k - 15 * (i % 3))).date(),
                    "link": "https://midtkraft.example/videndeling"
                    if status == KnowledgeStatus.PUBLISHED
                    else "",
                },
                hour_entry_ids=entries if k == 0 else (),
            )
            linked += bool(entries) and k == 0
    ctx.say(
        f"evaluation: {Interview.objects.filter(participation__round=ctx.round_a).count()} interviews, "
        f"{len(participations) - 1} evaluations ({published} published, {withdrawn} withdrawn), "
        f"register entries ({linked} linked to evaluation hours)"
    )
