"""The national data set's evaluation (see `ligepraksis/national.py`, order 70 after finance): every
participation of the main round writes its evaluation (about half consenting to publish it, a few
having withdrawn), the evaluator schedules an interview with about one in six, and about a third of
the practices keep one or two knowledge-sharing entries (linked to their evaluation hours where
finance's builder logged any). Everything goes through the services; the texts are the demo's."""

from __future__ import annotations

import datetime as dt

from evaluation.demo import EXAMPLES, LEARNING, NOT_WORKED, NOTES, RECOMMENDATIONS, REGISTER, WORKED
from evaluation.models import InterviewStatus
from evaluation.selectors.sharing import linkable_hour_entries
from evaluation.services import sharing as services
from ligepraksis.models import Role, RoleGrant
from ligepraksis.national import NationalContext
from ligepraksis.registry import national_builder


@national_builder(order=70, name="evaluation")
def build_evaluation(ctx: NationalContext) -> None:
    main = ctx.main_round
    grant = RoleGrant.objects.filter(role=Role.EVALUATOR, round=main).select_related("user").first()
    evaluations = consented = withdrawn = interviews = items = 0
    for n, (participation, practice) in enumerate(ctx.extra.get("participations", [])):
        user = practice.user
        services.evaluation_save(
            user=user,
            participation=participation,
            version=None,
            data={
                "example": ctx.rng.choice(EXAMPLES),
                "what_worked": ctx.rng.choice(WORKED),
                "what_did_not": ctx.rng.choice(NOT_WORKED),
                "learning_points": ctx.rng.choice(LEARNING),
                "recommendations": ctx.rng.choice(RECOMMENDATIONS),
            },
            now=ctx.now - dt.timedelta(days=ctx.rng.randint(1, 60)),
        )
        evaluations += 1
        draw = ctx.rng.random()
        if draw < 0.55:
            services.evaluation_consent(user=user, participation=participation, give=True, now=ctx.now)
            consented += 1
            if draw < 0.05:
                services.evaluation_consent(user=user, participation=participation, give=False, now=ctx.now)
                consented, withdrawn = consented - 1, withdrawn + 1
        if grant is not None and n % 6 == 0:
            held = ctx.rng.random() < 0.5
            interview = services.interview_schedule(
                user=grant.user,
                participation=participation,
                scheduled_at=ctx.now
                + dt.timedelta(days=ctx.rng.randint(-40, -1) if held else ctx.rng.randint(1, 40)),
                place="Video",
            )
            if held:
                services.interview_update(
                    user=grant.user,
                    interview=interview,
                    version=interview.version,
                    data={"status": InterviewStatus.HELD, "notes": ctx.rng.choice(NOTES)},
                )
            interviews += 1
        if ctx.rng.random() < 0.35:
            hours = list(linkable_hour_entries(participation.pk).values_list("pk", flat=True)[:2])
            for k in range(ctx.rng.randint(1, 2)):
                kind, title, channel, status = ctx.rng.choice(REGISTER)
                services.knowledge_item_add(
                    user=user,
                    participation=participation,
                    data={
                        "kind": kind,
                        "title": title,
                        "channel": channel,
                        "status": status,
                        "happens_on": ctx.today + dt.timedelta(days=ctx.rng.randint(-90, 90)),
                    },
                    hour_entry_ids=hours if k == 0 else (),
                )
                items += 1
    ctx.say(
        f"  {evaluations} evaluations ({consented} published, {withdrawn} withdrawn), "
        f"{interviews} interviews, {items} knowledge-sharing entries"
    )
