"""Demo data of progress/ (after activities' 40): the 2026 round's participating practices spread
over the milestone states, with clinic modules, follow-up meetings, own interventions and PDSA
cycles, all made through the services (so the milestones close from them). Invented texts only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.models import Participation
from ligepraksis.registry import demo_builder
from practices.models import PracticeGrant
from progress.models import FocusCategory, Milestone, MilestoneKind, PatientGroup
from progress.services import milestones as milestone_services
from progress.services import records as services

CHALLENGES = [
    "Mange udeblivelser fra årskontroller og svært at få fat i patienterne igen.",
    "Korte konsultationer gør det svært at nå de sociale problemer.",
    "Patienterne forstår ikke altid de skriftlige indkaldelser.",
    "Samarbejdet med kommunens sagsbehandlere går langsomt.",
]
PLANS = [
    ("Ringe til patienter, der udebliver, i stedet for at sende brev", "Udeblivelser pr. måned"),
    ("Faste tider hos sygeplejersken for patienter med flere sygdomme", "Patienter med fast tid"),
    ("Enkel sprog-skabelon til indkaldelser", "Forkerte fremmøder pr. uge"),
    ("Fast kontaktperson i kommunen for praksis' patienter", "Dage til svar fra kommunen"),
]


def _day_between(start: dt.date, end: dt.date, fraction: float) -> dt.date:
    if end <= start:
        return end
    return start + dt.timedelta(days=int((end - start).days * fraction))


def fill_participation(p: Participation, *, level: int, user, leader, index: int, today: dt.date) -> None:
    """level 0: nothing recorded (behind/overdue); 1: the clinic module; 2: + follow-up and own
    intervention with a planned PDSA cycle; 3: + a studied cycle and the evaluation closed by hand."""
    start = timezone.localdate(p.accepted_at)
    if start > today:
        return  # taking part from a day still to come: nothing to record yet
    groups = list(PatientGroup.objects.filter(active=True))
    focus = list(FocusCategory.objects.filter(active=True))
    if level >= 1:
        services.clinic_module_save(
            participation=p,
            user=user,
            version=None,
            data={
                "held_on": _day_between(start, today, 0.3),
                "doctors": 1 + index % 3,
                "staff": 3 + index % 5,
                "patient_group": groups[index % len(groups)] if groups else None,
                "patient_group_text": "" if groups else "Socialt udsatte borgere",
                "challenges": CHALLENGES[index % len(CHALLENGES)],
                "focus": focus[index % len(focus)] if focus else None,
                "focus_text": "",
            },
        )
    if level >= 2:
        services.followup_save(
            participation=p,
            user=user,
            version=None,
            data={
                "held_on": _day_between(start, today, 0.4),
                "participants": "Begge tovholdere, sygeplejersken og to sekretærer.",
                "decisions": "Vi prøver en ændring ad gangen og følger op på personalemødet.",
            },
        )
        plan, measure = PLANS[index % len(PLANS)]
        intervention = services.intervention_save(
            participation=p,
            user=user,
            version=None,
            data={
                "aims": "Flere sårbare patienter fastholdt i deres forløb.",
                "changes_planned": plan,
                "participants": "Tovholderne og sekretærerne.",
            },
        )
        plan_on = _day_between(start, today, 0.5)
        studied = level >= 3
        services.pdsa_cycle_add(
            intervention=intervention,
            user=user,
            data={
                "plan_on": plan_on,
                "plan": plan,
                "do_on": _day_between(plan_on, today, 0.3) if studied else None,
                "do": "Afprøvet i fire uger." if studied else "",
                "study_on": _day_between(plan_on, today, 0.6) if studied else None,
                "study": "Det virkede for de fleste; nogle patienter ønsker sms." if studied else "",
                "act_on": None,
                "act": "Vi fortsætter og tilføjer sms." if studied else "",
                "measure": measure,
                "measure_before": Decimal(8 + index % 4),
                "measure_after": Decimal(4 + index % 3) if studied else None,
            },
        )
    if level >= 3:
        m = Milestone.objects.get(participation=p, template__kind=MilestoneKind.EVALUATION)
        if not m.is_done:
            milestone_services.milestone_close(
                milestone=m, user=leader, reason="Spørgeskema besvaret og interview holdt."
            )


@demo_builder(order=50, name="progress.milestones")
def build_progress(ctx) -> None:
    round_obj = ctx.round_a
    parts = list(
        Participation.objects.active().filter(round=round_obj).select_related("round").order_by("pk")
    )
    if not parts:
        return
    milestone_services.milestones_ensure(participations=parts)
    from progress.models import ClinicModule

    if ClinicModule.objects.filter(participation__in=parts).exists():
        milestone_services.milestones_refresh(participations=parts)
        return
    leader = ctx.users["leaders"][0]
    today = timezone.localdate(ctx.now)
    users = dict(
        PracticeGrant.objects.filter(practice_id__in=[p.practice_id for p in parts])
        .order_by("-pk")
        .values_list("practice_id", "user_id")
    )
    from django.contrib.auth import get_user_model

    logins = get_user_model().objects.in_bulk(set(users.values()))
    for i, p in enumerate(parts):
        level = (3, 2, 1, 0)[i % 4]  # on track, in progress, behind, overdue
        user = logins.get(users.get(p.practice_id)) or p.accepted_by
        fill_participation(p, level=level, user=user, leader=leader, index=i, today=today)
    milestone_services.milestones_refresh(participations=parts)
    ctx.say(f"progress: milestones and records for {len(parts)} participations")
