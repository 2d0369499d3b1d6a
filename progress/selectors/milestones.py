"""Reads for the progress page, the leaders' dashboard and the start-page cards: a fixed number of
queries whatever the number of practices (the overdue rule is `MilestoneQuerySet.overdue`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from activities import selectors as activity_selectors
from applications.models import Participation
from progress.models import Milestone, MilestoneState, MilestoneTemplate

SORT_BEHIND, SORT_NAME = "behind", "name"
SORTS = (SORT_BEHIND, SORT_NAME)
PER_PAGE = 50


def _count_of(milestones) -> Coalesce:
    """A correlated count of the participation's milestones in `milestones`."""
    return Coalesce(
        Subquery(
            milestones.filter(participation=OuterRef("pk"))
            .order_by()
            .values("participation")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_behind(participations, today: dt.date):
    """Annotate `overdue_count` (THE overdue rule) and `open_count` (milestones not done)."""
    return participations.annotate(
        overdue_count=_count_of(Milestone.objects.overdue(today)),
        open_count=_count_of(Milestone.objects.open()),
    )


def dashboard_participations(participations, *, today: dt.date, sort: str = SORT_BEHIND):
    """The dashboard's order. How far behind a practice is: its number of overdue milestones, then its
    number of milestones not yet done, most first; then the practice's name."""
    qs = with_behind(participations, today).select_related(
        "practice", "round", "application__doctor_coordinator", "application__staff_coordinator"
    )
    if sort == SORT_NAME:
        return qs.order_by("practice__name", "pk")
    return qs.order_by("-overdue_count", "-open_count", "practice__name", "pk")


def templates_of(round_obj) -> list[MilestoneTemplate]:
    return list(MilestoneTemplate.objects.filter(round=round_obj).select_related("round"))


@dataclass
class Cell:
    milestone: Milestone | None
    state: str = ""
    label: str = ""
    url: str = ""


@dataclass
class DashboardRow:
    participation: Participation
    cells: list[Cell]
    overdue_count: int
    open_count: int
    ledger: object | None
    # Columns the status-report and consultant topics fill in at merge (None: nothing is rendered).
    last_report: object | None = None
    consultant_hours: object | None = None
    progress_url: str = ""


def milestone_cell(milestone: Milestone | None, today: dt.date) -> Cell:
    if milestone is None:
        return Cell(None)
    state = milestone.state(today)
    return Cell(
        milestone,
        state=state,
        label=str(MilestoneState(state).label),
        url=reverse("progress:milestone", args=[milestone.pk]),
    )


def dashboard_rows(
    participations, templates: list[MilestoneTemplate], *, today: dt.date
) -> list[DashboardRow]:
    """Rows for a page of (annotated) participations: their milestones in one query, their hours in
    the ledger's fixed queries."""
    parts = list(participations)
    if not parts:
        return []
    round_of = {p.pk: p.round for p in parts}
    by_part: dict[int, dict[int, Milestone]] = {p.pk: {} for p in parts}
    for m in Milestone.objects.filter(participation__in=parts).select_related("template"):
        m.template.round = round_of[m.participation_id]
        by_part[m.participation_id][m.template_id] = m
    ledgers = {lg.participation.pk: lg for lg in activity_selectors.ledgers(parts)}
    return [
        DashboardRow(
            participation=p,
            cells=[milestone_cell(by_part[p.pk].get(t.pk), today) for t in templates],
            overdue_count=getattr(p, "overdue_count", 0),
            open_count=getattr(p, "open_count", 0),
            ledger=ledgers.get(p.pk),
            progress_url=reverse("progress:progress", args=[p.pk]),
        )
        for p in parts
    ]


def milestones_of(participation) -> list[Milestone]:
    """The participation's milestones in the template's order, with their template and round."""
    rows = list(
        Milestone.objects.filter(participation=participation).select_related("template", "changed_by")
    )
    for m in rows:
        m.template.round = participation.round
        m.participation = participation
    return rows


@dataclass
class PracticeMilestones:
    participation: Participation
    next_one: Milestone | None = None
    overdue: list[Milestone] = field(default_factory=list)


def practice_milestones(practice_ids, *, today: dt.date) -> list[PracticeMilestones]:
    """For the practice's start-page card: per active participation, the next open milestone (earliest
    due, not overdue) and the overdue ones; three queries."""
    parts = list(
        Participation.objects.active()
        .filter(practice_id__in=practice_ids)
        .select_related("round", "practice")
        .order_by("practice__name", "-round__year")
    )
    if not parts:
        return []
    by_pk = {p.pk: PracticeMilestones(p) for p in parts}
    rows = Milestone.objects.open().filter(participation__in=parts).select_related("template")
    for m in rows:
        pm = by_pk[m.participation_id]
        m.participation = pm.participation
        m.template.round = pm.participation.round
        if m.is_overdue(today):
            pm.overdue.append(m)
        elif pm.next_one is None or m.due_on < pm.next_one.due_on:
            pm.next_one = m
    for pm in by_pk.values():
        pm.overdue.sort(key=lambda m: (m.due_on, m.template.order))
    return list(by_pk.values())


def overdue_by_round(round_ids, *, today: dt.date) -> dict[int, int]:
    """round id -> overdue milestones of its active participations (THE overdue rule), one query."""
    rows = (
        Milestone.objects.overdue(today)
        .of_active_participations()
        .filter(participation__round_id__in=list(round_ids))
        .values("participation__round_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["participation__round_id"]: r["n"] for r in rows}
