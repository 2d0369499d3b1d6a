"""Reads for a practice's instalments: each instalment of its round with its state (not yet open,
payable, withheld, approved, paid), its amount, the withholding reason and the milestones missing
before it opens. A fixed number of queries for any number of participations."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from finance.models import Instalment, InstalmentStatus, ParticipationInstalment
from progress.models import Milestone, MilestoneKind

NOT_OPEN, PAYABLE = "not_open", "payable"
STATE_LABELS = {
    NOT_OPEN: _("Not yet open"),
    PAYABLE: _("Payable"),
    InstalmentStatus.WITHHELD: _("Withheld"),
    InstalmentStatus.APPROVED: _("Approved"),
    InstalmentStatus.PAID: _("Paid"),
}


@dataclass
class InstalmentState:
    instalment: Instalment
    row: ParticipationInstalment | None
    missing: list[str] = field(default_factory=list)  # names of the milestones not done
    is_final: bool = False

    @property
    def state(self) -> str:
        status = self.row.status if self.row else InstalmentStatus.OPEN
        if status != InstalmentStatus.OPEN:
            return status
        return NOT_OPEN if self.missing else PAYABLE

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def amount(self) -> Decimal | None:
        return self.row.amount if self.row else None


def instalment_states(participations) -> dict[int, list[InstalmentState]]:
    """participation id -> its round's instalments in order, with their states (three queries)."""
    parts = list(participations)
    if not parts:
        return {}
    by_round: dict[int, list[Instalment]] = {}
    for inst in Instalment.objects.filter(round_id__in={p.round_id for p in parts}).order_by("number"):
        by_round.setdefault(inst.round_id, []).append(inst)
    rows = {
        (r.participation_id, r.instalment_id): r
        for r in ParticipationInstalment.objects.filter(participation__in=parts).select_related("batch")
    }
    milestones: dict[int, dict[str, list[tuple[str, bool]]]] = {p.pk: {} for p in parts}
    for pid, kind, name, closed in Milestone.objects.filter(participation__in=parts).values_list(
        "participation_id", "template__kind", "template__name", "closed_at"
    ):
        milestones[pid].setdefault(kind, []).append((name, closed is not None))
    out = {}
    for p in parts:
        insts = by_round.get(p.round_id, [])
        states = []
        for inst in insts:
            missing = []
            for kind in inst.milestone_kinds:
                have = milestones[p.pk].get(kind)
                if not have:
                    missing.append(str(MilestoneKind(kind).label))
                else:
                    missing += [name for name, done in have if not done]
            states.append(
                InstalmentState(inst, rows.get((p.pk, inst.pk)), missing, is_final=inst is insts[-1])
            )
        out[p.pk] = states
    return out


def next_missing(states: list[InstalmentState]) -> InstalmentState | None:
    """The first instalment not yet open: what is missing before it opens."""
    return next((s for s in states if s.state == NOT_OPEN), None)


def page_context(user, participation, states: list[InstalmentState]) -> dict:
    """What the practice's money page shows of its instalments: each with its state, the next one's
    missing milestones, and (for a leader of the round not acting for the practice) the decision forms."""
    from finance import permissions
    from finance.forms import InstalmentDecisionForm

    leads = participation.round_id in permissions.leader_round_ids(user)
    may_decide = leads and not permissions.is_practice_of(user, participation)
    if may_decide:
        for s in states:
            s.form = InstalmentDecisionForm(prefix=f"i{s.instalment.pk}")
    return {
        "instalments": states,
        "next_missing": next_missing(states),
        "may_decide_instalments": may_decide,
    }
