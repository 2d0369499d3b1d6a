"""Who may build, send and read questionnaires: evaluators and project leaders of the round; a
practice sees its own answers to questionnaires that are not anonymous; everyone else gets 404."""

from __future__ import annotations

from django.http import Http404

from evaluation.models import Questionnaire
from ligepraksis.models import Role
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
