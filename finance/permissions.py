"""Who may see and change money (loaders in the style of the other apps' permissions.py; the
permission-matrix test is the specification).

- a practice sees its own money only;
- project leaders of a round see the money of its practices, decide entries (never for a practice they
  act for: nobody decides on their own practice's money), keep the region's rates, budget lines and
  expenses;
- the KEU secretariat of a region sees every practice's money in its region and the budget, and
  records expenses; it cannot decide entries;
- steering-group members, consultants, providers and evaluators see no money (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from applications.models import Participation
from finance.models import EarningEntry
from ligepraksis.models import ProgrammeRound, Region, Role
from ligepraksis.permissions import role_grants, round_ids_with_role
from practices.permissions import acts_for, own_practice_ids


def keu_region_ids(user) -> set[int]:
    return {g.region_id for g in role_grants(user) if g.role == Role.KEU and g.region_id}


def leader_round_ids(user) -> set[int]:
    return round_ids_with_role(user, Role.PROJECT_LEADER)


def money_participations(user):
    """The participations whose money the user may see: their own practices', those of the rounds
    they lead and those of their KEU region's rounds."""
    if not getattr(user, "is_authenticated", False):
        return Participation.objects.none()
    q = Q(practice_id__in=own_practice_ids(user)) | Q(round_id__in=leader_round_ids(user))
    q |= Q(round__region_id__in=keu_region_ids(user))
    return Participation.objects.filter(q)


def get_participation_for_money(user, pk: int) -> Participation:
    """A participation whose money the user may see; 404 otherwise."""
    participation = (
        money_participations(user).select_related("practice", "round__region").filter(pk=pk).first()
    )
    if participation is None:
        raise Http404
    return participation


def is_practice_of(user, participation) -> bool:
    return acts_for(user, participation.practice_id)


def can_log_entries(user, participation) -> bool:
    """Only the practice logs hours and km for its money."""
    return acts_for(user, participation.practice_id) and participation.ended_at is None


def can_decide_entry(user, entry: EarningEntry) -> bool:
    """A project leader of the entry's round, never on a practice they act for."""
    p = entry.participation
    return p.round_id in leader_round_ids(user) and not acts_for(user, p.practice_id)


def get_entry_for_leader(user, pk: int) -> EarningEntry:
    """An entry a leader may decide: 404 to outsiders, 403 to a leader acting for its practice."""
    entry = (
        EarningEntry.objects.select_related("participation__practice", "participation__round", "item")
        .filter(pk=pk)
        .first()
    )
    if entry is None or entry.participation.round_id not in leader_round_ids(user):
        raise Http404
    if not can_decide_entry(user, entry):
        raise PermissionDenied
    return entry


def budget_rounds(user):
    """The rounds whose budget the user may see: those they lead, those of their KEU region."""
    if not getattr(user, "is_authenticated", False):
        return ProgrammeRound.objects.none()
    return ProgrammeRound.objects.filter(
        Q(pk__in=leader_round_ids(user)) | Q(region_id__in=keu_region_ids(user))
    )


def get_round_for_budget(user, pk: int) -> ProgrammeRound:
    round_obj = budget_rounds(user).select_related("region").filter(pk=pk).first()
    if round_obj is None:
        raise Http404
    return round_obj


def can_keep_budget(user, round_obj) -> bool:
    """Budget lines and expenses: the round's project leaders and the region's KEU secretariat."""
    return round_obj.pk in leader_round_ids(user) or round_obj.region_id in keu_region_ids(user)


def can_keep_pay_items(user, round_obj) -> bool:
    """What a round pays for (items, caps): administrators and the round's project leaders."""
    return bool(getattr(user, "is_superuser", False)) or round_obj.pk in leader_round_ids(user)


def get_round_for_pay_items(user, pk: int) -> ProgrammeRound:
    """A round whose paid items the user keeps; 404 otherwise."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    rounds = ProgrammeRound.objects.all()
    if not user.is_superuser:
        rounds = rounds.filter(pk__in=leader_round_ids(user))
    round_obj = rounds.select_related("region").filter(pk=pk).first()
    if round_obj is None:
        raise Http404
    return round_obj


def can_keep_rates(user, region: Region) -> bool:
    """Rates: administrators and the project leaders of a round in the region."""
    if getattr(user, "is_superuser", False):
        return True
    return ProgrammeRound.objects.filter(pk__in=leader_round_ids(user), region=region).exists()


def rate_regions(user):
    """Regions whose rates the user keeps."""
    if getattr(user, "is_superuser", False):
        return Region.objects.all()
    return Region.objects.filter(rounds__pk__in=leader_round_ids(user)).distinct()


def sees_money_history(user) -> bool:
    return bool(leader_round_ids(user) or keu_region_ids(user))


def can_record_payments(user, round_obj) -> bool:
    """Payments: the region's KEU secretariat only."""
    return round_obj.region_id in keu_region_ids(user)
