"""Who may see and change progress records (loaders in the style of the other apps'
permissions.py; the permission-matrix test is the specification).

A participation's progress page is shared by the practice (those acting for it), its consultant, the
round's project leaders and the round's steering group. The steering group reads only (403 on every
change); the consultant reads; the practice records; a project leader closes and reopens milestones.
Everyone else (KEU, providers, evaluators, other rounds' leaders, outsiders) gets 404.

Who sees a participation at all is one rule, `applications.permissions.participation_access` (a
consultant: the one assigned to it, in a round where they hold the consultant grant). Status reports
follow the progress page: everyone who shares it reads them, those acting for the practice file them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Participation
from applications.permissions import (  # noqa: F401
    acts_for,
    get_round_for_user,
    is_leader,
    is_steering,
    participation_access,
)
from ligepraksis.models import Role
from ligepraksis.permissions import has_role
from practices.permissions import own_practice_ids, practices_for_user  # noqa: F401
from progress.models import Milestone, PdsaCycle
from progress.models.material import Material
from progress.models.reports import StatusReport

VIEW, RECORD, LEAD = "view", "record", "lead"


def is_consultant_of(user, participation) -> bool:
    """The consultant assigned to the participation, while they hold the round's consultant grant."""
    return participation.consultant_id == user.pk and has_role(
        user, Role.CONSULTANT, round_id=participation.round_id
    )


def can_view_progress(user, participation) -> bool:
    """Whoever may see the participation at all (applications.permissions.participation_access, the one
    rule): the practice, its assigned consultant, the round's leaders and steering group."""
    return participation_access(user, participation) is not None


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


# --- Status reports: read by everyone who shares the progress page, filed by the practice ------------


def get_participation_for_reports(user, pk: int, *, write: bool = False) -> Participation:
    """A participation whose reports the user may read (404 otherwise); `write`: 403 unless the user
    acts for the practice."""
    return get_participation_for_user(user, pk, RECORD if write else VIEW)


def get_report_for_user(user, pk: int, *, write: bool = False) -> StatusReport:
    report = (
        StatusReport.objects.select_related("participation__round", "participation__practice", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if report is None or not can_view_progress(user, report.participation):
        raise Http404
    if write and not can_record(user, report.participation):
        raise PermissionDenied
    return report


def get_round_for_report_readers(user, round_id: int):
    """A round whose reports page the user may see: its leaders, steering group and consultants."""
    return get_round_for_user(user, round_id, roles=(Role.PROJECT_LEADER, Role.STEERING, Role.CONSULTANT))


def reports_practice_ids(user, round_obj):
    """The practices of the round whose reports the user sees on the round's page: all for leaders
    and the steering group; a consultant's visible practices; None means all."""
    if is_leader(user, round_obj) or is_steering(user, round_obj):
        return None
    return set(practices_for_user(user).values_list("pk", flat=True))


# --- Material ------------------------------------------------------------------------------------------


def get_round_for_material(user, round_id: int):
    return get_round_for_user(user, round_id, roles=(Role.PROJECT_LEADER,))


def get_material_for_leader(user, pk: int) -> Material:
    material = Material.objects.select_related("round").filter(pk=pk).first()
    if material is None or not is_leader(user, material.round):
        raise Http404
    return material
