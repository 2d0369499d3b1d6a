"""Who may build, send and read questionnaires: evaluators and project leaders of the round; a
practice sees its own answers to questionnaires that are not anonymous; everyone else gets 404."""

from __future__ import annotations

from django.http import Http404

from evaluation.models import Questionnaire
from finance.permissions import keu_region_ids
from ligepraksis.models import ProgrammeRound, Role
from ligepraksis.permissions import get_round_for_user, round_ids_with_role

ROLES = (Role.EVALUATOR, Role.PROJECT_LEADER)


def evaluation_round_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return round_ids_with_role(user, *ROLES)


def get_round_for_evaluation(user, round_id: int):
    return get_round_for_user(user, round_id, roles=ROLES)


def get_questionnaire(user, pk: int) -> Questionnaire:
    """A questionnaire of a round the user evaluates or leads; 404 otherwise."""
    q = Questionnaire.objects.select_related("round").filter(pk=pk).first()
    if q is None or q.round_id not in evaluation_round_ids(user):
        raise Http404
    return q


def may_read_results(user, params: dict) -> bool:
    """The raw answers' export (a file kind): evaluators and leaders of the questionnaire's round."""
    round_id = (
        Questionnaire.objects.filter(pk=params.get("questionnaire"))
        .values_list("round_id", flat=True)
        .first()
    )
    return round_id is not None and round_id in evaluation_round_ids(user)


# --- Reports (evaluation/services/reports.py, on the core's FileJob) ------------------------------
# Who may ask for a report of a round, and who may read the finished ones: the KEU status report is
# asked for by the round's project leaders and the region's KEU secretariat (as the finance pages give
# KEU its region's rounds: finance.permissions.keu_region_ids); the report note and the postcards by
# the round's evaluators and project leaders; the round's steering group reads finished reports.


def may_request_report(user, kind: str, round_obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if kind == REPORT_KINDS[0]:
        return round_obj.pk in round_ids_with_role(user, Role.PROJECT_LEADER) or (
            round_obj.region_id in keu_region_ids(user)
        )
    return round_obj.pk in evaluation_round_ids(user)


def may_read_reports(user, round_obj) -> bool:
    """The round's steering group reads finished reports (list and download only)."""
    return getattr(user, "is_authenticated", False) and round_obj.pk in round_ids_with_role(
        user, Role.STEERING
    )


def report_allowed(kind: str):
    """The file kind's `allowed(user, params)`: those who may ask for it, and the steering group."""

    def allowed(user, params: dict) -> bool:
        round_obj = ProgrammeRound.objects.filter(pk=params.get("round")).first()
        return round_obj is not None and (
            may_request_report(user, kind, round_obj) or may_read_reports(user, round_obj)
        )

    return allowed


def get_round_for_reports(user, round_id: int):
    """A round whose reports page the user may open (asks for a kind, or reads); 404 otherwise."""
    round_obj = ProgrammeRound.objects.select_related("region").filter(pk=round_id).first()
    if round_obj is None or not (
        may_read_reports(user, round_obj) or any(may_request_report(user, k, round_obj) for k in REPORT_KINDS)
    ):
        raise Http404
    return round_obj


REPORT_KINDS = ("evaluation.keu_report", "evaluation.report_note", "evaluation.postcards")
