"""Who may see and change progress records (loaders in the style of the other apps'
permissions.py; the permission-matrix test is the specification).

A participation's progress page is shared by the practice (those acting for it), its consultant, the
round's project leaders and the round's steering group. The steering group reads only (403 on every
change); the consultant reads; the practice records; a project leader closes and reopens milestones.
Everyone else (KEU, providers, evaluators, other rounds' leaders, outsiders) gets 404.

Consultants are found through the practice visibility of applications/permissions.py
(`practices_for_user`): whatever that lets a consultant see (the participations assigned to them,
once `Participation.consultant` exists) is what they see here, in their rounds only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Participation
from applications.permissions import acts_for, get_round_for_user, is_leader, is_steering  # noqa: F401
from ligepraksis.models import Role
from ligepraksis.permissions import has_role
from practices.permissions import practices_for_user
from progress.models import Milestone, PdsaCycle

VIEW, RECORD, LEAD = "view", "record", "lead"


def is_consultant_of(user, participation) -> bool:
    """A consultant of the round who may see the practice (applications' practice visibility)."""
    return (
        has_role(user, Role.CONSULTANT, round_id=participation.round_id)
        and practices_for_user(user).filter(pk=participation.practice_id).exists()
    )


def can_view_progress(user, participation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        acts_for(user, participation.practice_id)
        or is_leader(user, participation.round)
        or is_steering(user, participation.round)
        or is_consultant_of(user, participation)
    )


def can_record(user, participation) -> bool:
    """Those acting for the practice keep its records."""
    return acts_for(user, participation.practice_id)


def can_lead(user, participation) -> bool:
    """A project leader of the round closes and reopens milestones, never for a practice they act for."""
    return is_leader(user, participation.round) and not acts_for(user, participation.practice_id)


def sees_hours(user, participation) -> bool:
    """Whether the practice's hours page (activities/) opens for the user: not for the steering group."""
    return (
        acts_for(user, participation.practice_id)
        or is_leader(user, participation.round)
        or is_consultant_of(user, participation)
    )


ACTIONS = {VIEW: can_view_progress, RECORD: can_record, LEAD: can_lead}


def get_participation_for_user(user, pk: int, action: str = VIEW) -> Participation:
    """A participation whose progress the user may see; 404 for an outsider, 403 if the action is not
    theirs (the steering group and consultants read only)."""
    participation = (
        Participation.objects.select_related(
            "round__region", "practice", "application__doctor_coordinator", "application__staff_coordinator"
        )
        .filter(pk=pk)
        .first()
    )
    if participation is None or not can_view_progress(user, participation):
        raise Http404
    if action != VIEW and not ACTIONS[action](user, participation):
        raise PermissionDenied
    return participation


def get_milestone_for_user(user, pk: int, action: str = VIEW) -> Milestone:
    milestone = Milestone.objects.select_related("template", "changed_by").filter(pk=pk).first()
    if milestone is None:
        raise Http404
    milestone.participation = get_participation_for_user(user, milestone.participation_id, action)
    return milestone


def get_cycle_for_user(user, pk: int, action: str = VIEW) -> PdsaCycle:
    cycle = PdsaCycle.objects.select_related("intervention").filter(pk=pk).first()
    if cycle is None:
        raise Http404
    cycle.intervention.participation = get_participation_for_user(
        user, cycle.intervention.participation_id, action
    )
    return cycle


def participations_for_user(user, round_obj):
    """The round's active participations the user may see on the dashboard: all for the round's
    leaders and steering group."""
    if is_leader(user, round_obj) or is_steering(user, round_obj):
        return Participation.objects.active().filter(round=round_obj)
    return Participation.objects.none()
