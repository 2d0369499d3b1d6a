"""Status reports in the demo data and the national data set, filed through the service."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from applications.models import Participation
from ligepraksis.demo import DemoContext
from ligepraksis.national import NationalContext
from ligepraksis.registry import demo_builder, national_builder
from progress.models.reports import ReportSchedule, StatusReport, TrafficLight
from progress.services import reports as services

PROGRESS = [
    "Klinikmodulet er gennemført med hele personalet, og vi har valgt patienter med psykisk sygdom og "
    "kroniske somatiske sygdomme som vores gruppe.",
    "Vi har indført faste telefontider for udvalgte patienter og ringer dem op, når de udebliver fra en "
    "kontrol. Første PDSA-cyklus er afsluttet.",
    "Sygeplejerskerne har fået faste konsultationer til gruppen, og vi har lavet en enkel huskeliste til "
    "samtalen om medicin.",
    "Vi har holdt møde med kommunens sagsbehandlere om tre fælles patienter og aftalt en fast kontaktperson.",
]
CHALLENGES = [
    "Det er svært at finde tid i hverdagen, især i ferieperioden.",
    "Nogle patienter har ikke en telefon, der virker, så opringningerne når ikke frem.",
    "Vi mangler et godt redskab til at følge, hvem der er i gruppen.",
    "",
]
SUPPORT = [
    "",
    "Vi vil gerne have sparring med en proceskonsulent om næste PDSA-cyklus.",
    "Hjælp til at trække data om udeblivelser fra journalsystemet.",
]


def _file(participation, user, period, *, light, index, now):
    return services.status_report_submit(
        user=user,
        participation=participation,
        period_number=period.number,
        progress=PROGRESS[index % len(PROGRESS)],
        challenges=CHALLENGES[index % len(CHALLENGES)],
        support_wanted=SUPPORT[index % len(SUPPORT)],
        traffic_light=light,
        now=now,
    )


def _filed_at(period, today, days_before: int) -> dt.datetime:
    day = min(period.ends_on - dt.timedelta(days=days_before), today)
    day = max(day, period.starts_on)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))


@demo_builder(order=52, name="progress.reports")
def build_report_demo(ctx: DemoContext) -> None:
    """The 2026 round's participations began seven months ago (the formal launch); each files its
    status reports in a different state: up to date (green or yellow), one overdue, one red."""
    if ctx.round_a is None or StatusReport.objects.filter(participation__round=ctx.round_a).exists():
        return
    today = timezone.localdate(ctx.now)
    participations = list(
        Participation.objects.active()
        .filter(round=ctx.round_a)
        .select_related("round", "practice", "application__created_by")
        .order_by("practice__name")
    )
    began = ctx.now - dt.timedelta(days=212)
    Participation.objects.filter(pk__in=[p.pk for p in participations], accepted_at__gt=began).update(
        accepted_at=began
    )
    for index, participation in enumerate(participations):
        participation.refresh_from_db(fields=["accepted_at"])
        schedule = ReportSchedule.for_participation(participation)
        user = participation.application.created_by
        ended = [schedule.period(n) for n in range(1, schedule.ended_count(today) + 1)]
        if index == 1 and ended:
            ended = ended[:-1]  # the last ended period has no report: overdue
        for k, period in enumerate(ended):
            light = TrafficLight.GREEN
            if index == 2 and k == len(ended) - 1:
                light = TrafficLight.RED
            elif (index + k) % 3 == 0:
                light = TrafficLight.YELLOW
            _file(participation, user, period, light=light, index=index + k, now=_filed_at(period, today, 3))
    # No reminders to invented addresses: what is overdue now counts as reminded.
    services.status_reminders_mark_sent(participations=participations, now=ctx.now)


@national_builder(order=52, name="progress.reports")
def build_report_national(ctx: NationalContext) -> None:
    """Every participation files the reports of its ended periods, about one in eight missing."""
    today = ctx.today
    filed = 0
    participations = []
    for participation, entry in ctx.extra.get("participations", []):
        participations.append(participation)
        schedule = ReportSchedule.for_participation(participation)
        for n in range(1, schedule.ended_count(today) + 1):
            if ctx.rng.random() < 0.125:
                continue
            light = ctx.rng.choices(TrafficLight.values, weights=[6, 3, 1])[0]
            period = schedule.period(n)
            _file(
                participation, entry.user, period, light=light, index=filed, now=_filed_at(period, today, 5)
            )
            filed += 1
    marked = services.status_reminders_mark_sent(participations=participations, now=ctx.now)
    ctx.say(f"  {filed} status reports ({marked} overdue periods)")
