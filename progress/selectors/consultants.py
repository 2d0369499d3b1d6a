"""progress/ consultants: reads (see progress/__init__.py). Sums are made in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from applications.models import Participation
from applications.permissions import participations_for_consultant
from ligepraksis.models import Role, RoleGrant
from progress.models.consultants import (
    ConsultantBudgetRaise,
    ConsultantKind,
    ConsultantSession,
    budget_of_round,
)

ZERO = Decimal("0")
MAX_CONSULTANTS = 200  # a round's working group is a handful; the select is bounded all the same
KINDS = tuple(ConsultantKind.values)


def consultant_hours_used(participation_ids) -> dict[int, dict[str, Decimal]]:
    """Hours of consultant sessions per participation and kind, in one grouped query; every given
    participation and kind is present (0 when none)."""
    ids = list(participation_ids)
    out = {pk: dict.fromkeys(KINDS, ZERO) for pk in ids}
    if not ids:
        return out
    rows = (
        ConsultantSession.objects.filter(participation_id__in=ids)
        .values("participation_id", "kind")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for row in rows:
        out[row["participation_id"]][row["kind"]] = row["total"] or ZERO
    return out


def consultant_budget_raised(participation_ids) -> dict[int, dict[str, Decimal]]:
    """The leaders' raises per participation and kind, in one grouped query."""
    ids = list(participation_ids)
    out = {pk: dict.fromkeys(KINDS, ZERO) for pk in ids}
    if not ids:
        return out
    rows = (
        ConsultantBudgetRaise.objects.filter(participation_id__in=ids)
        .values("participation_id", "kind")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for row in rows:
        out[row["participation_id"]][row["kind"]] = row["total"] or ZERO
    return out


@dataclass
class KindHours:
    kind: str
    label: str
    used: Decimal
    budget: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.budget - self.used, ZERO)

    @property
    def over(self) -> bool:
        return self.used > self.budget


@dataclass
class ConsultantRow:
    """One of a consultant's practices on their page."""

    participation: Participation
    hours: list[KindHours] = field(default_factory=list)
    # Filled at merge by the other progress topics (status reports, milestones): the slots are here so
    # that the page and its query-count test already show them.
    last_report: object | None = None
    overdue: object | None = None


def hours_by_kind(participations) -> dict[int, list[KindHours]]:
    """Used against budget for each kind, per participation (two grouped queries for any number)."""
    participations = list(participations)
    ids = [p.pk for p in participations]
    used = consultant_hours_used(ids)
    raised = consultant_budget_raised(ids)
    labels = dict(ConsultantKind.choices)
    return {
        p.pk: [
            KindHours(
                kind,
                str(labels[kind]),
                used[p.pk][kind],
                budget_of_round(p.round, kind) + raised[p.pk][kind],
            )
            for kind in KINDS
        ]
        for p in participations
    }


def consultant_participations(user):
    """The participations a consultant sees (assigned to them, in rounds where they are consultant),
    with what their page shows."""
    return (
        participations_for_consultant(user)
        .select_related("round", "practice")
        .order_by("practice__name", "pk")
    )


def consultant_rows(participations) -> list[ConsultantRow]:
    participations = list(participations)
    hours = hours_by_kind(participations)
    return [ConsultantRow(p, hours[p.pk]) for p in participations]


def sessions_of(participation):
    return ConsultantSession.objects.filter(participation=participation).select_related("recorded_by")


def raises_of(participation):
    return ConsultantBudgetRaise.objects.filter(participation=participation).select_related("raised_by")


def round_participations(round_obj):
    """The round's participations for the leaders' assignment page."""
    return (
        Participation.objects.filter(round=round_obj)
        .select_related("practice", "consultant")
        .order_by("practice__name", "pk")
    )


def round_consultants(round_obj):
    """The logins holding the consultant grant of the round (a short list: the working group)."""
    from django.contrib.auth import get_user_model

    ids = RoleGrant.objects.filter(role=Role.CONSULTANT, round=round_obj).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("full_name", "email")
