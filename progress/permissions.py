"""Who may see and change progress records (loaders in the style of the other apps'
permissions.py; the permission-matrix test is the specification).

Status reports: the practice (everyone who acts for it) reads and files; the round's project
leaders and steering group read; a consultant of the round reads the practices they may see
(`practices.permissions.practices_for_user`, which the apps' practice-visibility rules feed:
applications/permissions.py decides which practices a consultant sees). Everyone else: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Participation
from ligepraksis.models import Role
from ligepraksis.permissions import get_round_for_user, has_role, is_leader, is_steering  # noqa: F401
from practices.permissions import acts_for, own_practice_ids, practices_for_user  # noqa: F401
from progress.models.material import Material
from progress.models.reports import StatusReport


def consultant_sees(user, participation) -> bool:
    return (
        has_role(user, Role.CONSULTANT, round_id=participation.round_id)
        and practices_for_user(user).filter(pk=participation.practice_id).exists()
    )


def can_read_reports(user, participation) -> bool:
    return (
        acts_for(user, participation.practice_id)
        or is_leader(user, participation.round)
        or is_steering(user, participation.round)
        or consultant_sees(user, participation)
    )


def can_file_reports(user, participation) -> bool:
    return acts_for(user, participation.practice_id)


def get_participation_for_reports(user, pk: int, *, write: bool = False) -> Participation:
    """A participation whose reports the user may read (404 otherwise); `write`: 403 unless the user
    acts for the practice."""
    participation = Participation.objects.select_related("round", "practice").filter(pk=pk).first()
    if participation is None or not can_read_reports(user, participation):
        raise Http404
    if write and not can_file_reports(user, participation):
        raise PermissionDenied
    return participation


def get_report_for_user(user, pk: int, *, write: bool = False) -> StatusReport:
    report = (
        StatusReport.objects.select_related("participation__round", "participation__practice", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if report is None or not can_read_reports(user, report.participation):
        raise Http404
    if write and not can_file_reports(user, report.participation):
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
