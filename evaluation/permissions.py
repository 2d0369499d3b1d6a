"""Who may build, send and read questionnaires: evaluators and project leaders of the round; a
practice sees its own answers to questionnaires that are not anonymous; everyone else gets 404.
Below them, who sees interviews, practice evaluations and the knowledge-sharing register."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Participation
from evaluation.models import Interview, KnowledgeItem, PracticeEvaluation, Questionnaire
from finance.permissions import keu_region_ids
from ligepraksis.models import ProgrammeRound, Role
from ligepraksis.permissions import get_round_for_user, round_ids_with_role
from practices.permissions import acts_for, own_practice_ids

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


# --- Interviews, practice evaluations and the knowledge-sharing register ------------------------------
#
# One home for who sees what of a participation's evaluation (the permission-matrix test is the
# specification):
# - interviews (and their notes): the evaluators and project leaders of the round, never for a practice
#   they act for; everyone else (the practice, the steering group, consultants, KEU) gets 404;
# - the practice's own evaluation: those acting for the practice write it and give or withdraw consent;
#   the round's evaluators and project leaders read every one; the round's steering group reads those
#   whose consent to publish stands (`PracticeEvaluation.objects.consented()`); everyone else 404;
# - the knowledge-sharing register: those acting for the practice keep its entries, the round's
#   evaluators and project leaders keep every entry of the round; everyone else 404;
# - postcards: public, `PracticeEvaluation.objects.published()` (evaluation/selectors/sharing.py).

PRACTICE, EVALUATOR, STEERING = "practice", "evaluator", "steering"


def _participation(pk: int) -> Participation | None:
    return Participation.objects.select_related("round", "practice").filter(pk=pk).first()


def evaluates(user, participation) -> bool:
    """An evaluator or project leader of the participation's round, not acting for its practice."""
    return participation.round_id in evaluation_round_ids(user) and not acts_for(
        user, participation.practice_id
    )


def interviews_for_user(user, round_obj):
    """The round's interviews the user may see (get the round through `get_round_for_evaluation`)."""
    if round_obj.pk not in evaluation_round_ids(user):
        return Interview.objects.none()
    return Interview.objects.filter(participation__round=round_obj).exclude(
        participation__practice_id__in=own_practice_ids(user)
    )


def participations_to_interview(user, round_obj):
    """The round's active participations the user may schedule an interview with."""
    if round_obj.pk not in evaluation_round_ids(user):
        return Participation.objects.none()
    return (
        Participation.objects.active()
        .filter(round=round_obj)
        .exclude(practice_id__in=own_practice_ids(user))
        .select_related("practice")
        .order_by("practice__name", "pk")
    )


def get_interview(user, pk: int) -> Interview:
    """An interview of a round the user evaluates or leads (not of their own practice); 404 otherwise."""
    interview = (
        Interview.objects.select_related("participation__round", "participation__practice", "evaluator")
        .filter(pk=pk)
        .first()
    )
    if interview is None or not evaluates(user, interview.participation):
        raise Http404
    return interview


def evaluation_access(user, participation, evaluation: PracticeEvaluation | None) -> str | None:
    """How the user sees the participation's own evaluation: PRACTICE (writes it), EVALUATOR (reads
    it), STEERING (reads it while consent stands) or None (404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if acts_for(user, participation.practice_id):
        return PRACTICE
    if participation.round_id in evaluation_round_ids(user):
        return EVALUATOR
    if (
        participation.round_id in round_ids_with_role(user, Role.STEERING)
        and evaluation is not None
        and evaluation.is_consented
    ):
        return STEERING
    return None


def get_participation_for_evaluation(user, pk: int, *, write: bool = False):
    """(participation, its evaluation or None, access); 404 for an outsider, 403 when `write` and the
    user does not act for the practice."""
    participation = _participation(pk)
    if participation is None:
        raise Http404
    evaluation = PracticeEvaluation.objects.filter(participation=participation).first()
    access = evaluation_access(user, participation, evaluation)
    if access is None:
        raise Http404
    if write and access != PRACTICE:
        raise PermissionDenied
    return participation, evaluation, access


def get_round_for_evaluations(user, round_id: int):
    """The round's list of practice evaluations: its evaluators, project leaders and steering group."""
    return get_round_for_user(user, round_id, roles=(*ROLES, Role.STEERING))


def evaluations_for_user(user, round_obj):
    """The round's practice evaluations the user reads: every one for its evaluators and project
    leaders, the consented ones for its steering group."""
    rows = PracticeEvaluation.objects.filter(participation__round=round_obj)
    if round_obj.pk in evaluation_round_ids(user):
        return rows
    if round_obj.pk in round_ids_with_role(user, Role.STEERING):
        return rows.consented()
    return rows.none()


def keeps_register(user, participation) -> bool:
    """Those acting for the practice, and the round's evaluators and project leaders."""
    return acts_for(user, participation.practice_id) or participation.round_id in evaluation_round_ids(user)


def get_participation_for_register(user, pk: int) -> Participation:
    participation = _participation(pk)
    if participation is None or not keeps_register(user, participation):
        raise Http404
    return participation


def get_knowledge_item(user, pk: int) -> KnowledgeItem:
    item = (
        KnowledgeItem.objects.select_related("participation__round", "participation__practice")
        .filter(pk=pk)
        .first()
    )
    if item is None or not keeps_register(user, item.participation):
        raise Http404
    return item


# The report kinds (file kinds on the core's FileJob), named once here; evaluation/services/reports.py
# renders them.
KEU_REPORT = "evaluation.keu_report"
REPORT_NOTE = "evaluation.report_note"
POSTCARDS = "evaluation.postcards"
REPORT_KINDS = (KEU_REPORT, REPORT_NOTE, POSTCARDS)

# --- Reports (evaluation/services/reports.py, on the core's FileJob) ------------------------------
# Who may ask for a report of a round, and who may read the finished ones: the KEU status report is
# asked for by the round's project leaders and the region's KEU secretariat (as the finance pages give
# KEU its region's rounds: finance.permissions.keu_region_ids); the report note and the postcards by
# the round's evaluators and project leaders; the round's steering group reads finished reports.


def may_request_report(user, kind: str, round_obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if kind == KEU_REPORT:
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
