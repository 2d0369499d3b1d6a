"""Who may see and act on applications; loaders that answer 404 to outsiders and 403 to those who
may see but not act. The permission-matrix test is the specification."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from applications.models import Application, Participation
from ligepraksis.models import Role
from ligepraksis.permissions import (  # noqa: F401  (re-exported for the views)
    get_round_for_user,
    is_leader,
    is_leader_of_round_id,
    is_reviewer_of_round,
    is_steering,
    round_ids_with_role,
)
from ligepraksis.registry import practice_visibility
from practices.permissions import acts_for, own_practice_ids  # noqa: F401


@practice_visibility
def _practices_of_my_rounds(user) -> Q:
    """Project leaders see the practices that take part in their rounds; a consultant only those whose
    participation a leader assigned to them, in a round where they hold the consultant grant."""
    q = Q(pk__in=[])
    rounds = round_ids_with_role(user, Role.PROJECT_LEADER)
    if rounds:
        q |= Q(participations__round_id__in=rounds)
    consulted = round_ids_with_role(user, Role.CONSULTANT)
    if consulted:
        # One Q: both conditions on the same participation row.
        q |= Q(participations__consultant_id=user.pk, participations__round_id__in=consulted)
    return q


def participations_for_consultant(user):
    """The participations assigned to the user in rounds where they hold the consultant grant (the one
    home of "which participations a consultant sees"; the start-page card and progress/ use it)."""
    rounds = round_ids_with_role(user, Role.CONSULTANT)
    if not rounds:
        return Participation.objects.none()
    return Participation.objects.filter(consultant_id=user.pk, round_id__in=rounds)


def is_application_owner(user, application) -> bool:
    """Anyone who acts for the practice; the author of a request (a stranger's draft) owns only that
    request, and an author who no longer acts for the practice owns nothing."""
    if not getattr(user, "is_authenticated", False):
        return False
    if acts_for(user, application.practice_id):
        return True
    return application.is_request and application.created_by_id == user.pk


def has_conflict(user, application) -> bool:
    """A reviewer is kept out of their own practice's application and where they declared a conflict."""
    if acts_for(user, application.practice_id):
        return True
    return application.reviews.filter(reviewer=user, conflict_of_interest=True).exists()


def can_view_application(user, application) -> bool:
    if is_application_owner(user, application):
        return True
    round_obj = application.round
    if is_leader(user, round_obj):
        return True
    return (
        is_steering(user, round_obj)
        and application.is_submitted()
        and round_obj.review_is_open()
        and not acts_for(user, application.practice_id)
    )


def can_review(user, application) -> bool:
    round_obj = application.round
    return (
        is_reviewer_of_round(user, round_obj)
        and application.is_submitted()
        and round_obj.review_is_open()
        and not acts_for(user, application.practice_id)
    )


def can_recommend(user, application) -> bool:
    return can_review(user, application) and not has_conflict(user, application)


def sees_assessment(user, application) -> bool:
    """Reviews, scores, recommendations and who wrote them are for the round's project leaders and
    steering group, never for the applicant: not even for a leader or member who acts for the practice."""
    round_obj = application.round
    return not is_application_owner(user, application) and (
        is_leader(user, round_obj) or is_steering(user, round_obj)
    )


def can_decide(user, application) -> bool:
    """A leader of the round who has no conflict with the application (own practice or declared)."""
    return is_leader(user, application.round) and not has_conflict(user, application)


def can_withdraw(user, application) -> bool:
    """The practice itself, or a project leader on its behalf (say, when it phones in)."""
    return is_application_owner(user, application) or can_decide(user, application)


def can_read_letters(user, application) -> bool:
    """The decision letter and the accepted terms (applications/letters.py): for the practice itself and
    the round's project leaders, never for the steering group or reviewers."""
    return is_application_owner(user, application) or is_leader(user, application.round)


def can_confirm_request(user, application) -> bool:
    """A stranger's request is confirmed by someone acting for the practice, or a project leader of
    the round, never by its own author."""
    return (
        application.is_request
        and user.pk != application.created_by_id
        and (acts_for(user, application.practice_id) or is_leader(user, application.round))
    )


ACTIONS = {
    "view": can_view_application,
    "edit": is_application_owner,
    "review": can_review,
    "recommend": can_recommend,
    "decide": can_decide,
    "withdraw": can_withdraw,
}


def get_application_for_user(user, pk: int, action: str = "view") -> Application:
    """Load an application the user may see; 404 for an outsider, 403 if the action is not theirs."""
    try:
        application = Application.objects.select_related("round", "practice").get(pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
    if not (
        can_view_application(user, application) or (action == "review" and can_review(user, application))
    ):
        raise Http404
    if action != "view" and not ACTIONS[action](user, application):
        raise PermissionDenied
    return application


def applications_for_user(user):
    """Applications the user started or whose practice they act for (their own list)."""
    return Application.objects.filter(
        Q(created_by=user, is_request=True) | Q(practice_id__in=own_practice_ids(user))
    )


# --- A participation and who sees it (progress/ pages load through these) -------------------------


class ParticipationAccess:
    """How a user sees a participation: the names are compared, never shown."""

    LEADER = "leader"  # a project leader of the round: sees and changes everything
    CONSULTANT = "consultant"  # the consultant assigned to it (with the round's consultant grant)
    PRACTICE = "practice"  # someone acting for the practice
    STEERING = "steering"  # a steering-group member of the round: reads, no consultant notes


def participation_access(user, participation) -> str | None:
    """The strongest way the user sees the participation, or None (an outsider: 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_leader_of_round_id(user, participation.round_id):
        return ParticipationAccess.LEADER
    if participation.consultant_id == user.pk and participation.round_id in round_ids_with_role(
        user, Role.CONSULTANT
    ):
        return ParticipationAccess.CONSULTANT
    if acts_for(user, participation.practice_id):
        return ParticipationAccess.PRACTICE
    if participation.round_id in round_ids_with_role(user, Role.STEERING):
        return ParticipationAccess.STEERING
    return None


def get_participation_for_user(user, pk: int) -> tuple[Participation, str]:
    """A participation the user may see and how they see it (`ParticipationAccess`); 404 otherwise."""
    participation = (
        Participation.objects.select_related("round", "practice", "consultant").filter(pk=pk).first()
    )
    access = participation_access(user, participation) if participation is not None else None
    if access is None:
        raise Http404
    return participation, access


def participations_seen_by(user, participations, *, practice_id: int):
    """Of a practice's participations, those the user may see: all of them for someone acting for the
    practice; otherwise those of the rounds they lead and those assigned to them as consultant (so a
    consultant never sees the practice's participation in a round where it is not theirs)."""
    if acts_for(user, practice_id):
        return participations
    q = Q(pk__in=[])
    led = round_ids_with_role(user, Role.PROJECT_LEADER)
    if led:
        q |= Q(round_id__in=led)
    consulted = round_ids_with_role(user, Role.CONSULTANT)
    if consulted:
        q |= Q(consultant_id=user.pk, round_id__in=consulted)
    return participations.filter(q)
