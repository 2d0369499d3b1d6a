"""The one place that decides who may see and change what.

Views never filter by role themselves: they call a `get_*_for_user` helper, which raises Http404 for
an outsider (so nobody learns that an object exists) and PermissionDenied (403) for someone who may
see the object but not do the action asked.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from ligepraksis.models import Role, RoleGrant


def _grants(user) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lp_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user))
        user._lp_grants = cached
    return cached


def forget_grants(user) -> None:
    """Drop the per-request cache after a grant was added or removed."""
    if hasattr(user, "_lp_grants"):
        del user._lp_grants
    if hasattr(user, "_lp_practice_ids"):
        del user._lp_practice_ids


def has_role(user, role: str, *, round_id=None, region_id=None, practice_id=None, provider_id=None) -> bool:
    for g in _grants(user):
        if g.role != role:
            continue
        if round_id is not None and g.round_id != round_id:
            continue
        if region_id is not None and g.region_id != region_id:
            continue
        if practice_id is not None and g.practice_id != practice_id:
            continue
        if provider_id is not None and g.provider_id != provider_id:
            continue
        return True
    return False


def round_ids_with_role(user, *roles: str) -> set[int]:
    return {g.round_id for g in _grants(user) if g.role in roles and g.round_id}


def is_leader(user, round_obj) -> bool:
    return has_role(user, Role.PROJECT_LEADER, round_id=round_obj.pk)


def is_steering(user, round_obj) -> bool:
    return has_role(user, Role.STEERING, round_id=round_obj.pk)


def is_reviewer_of_round(user, round_obj) -> bool:
    return is_leader(user, round_obj) or is_steering(user, round_obj)


def own_practice_ids(user) -> set[int]:
    """Practices the user belongs to: a practice grant, or an open membership of the user's person."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_lp_practice_ids", None)
    if cached is None:
        from applications.models import Membership

        cached = {g.practice_id for g in _grants(user) if g.role == Role.PRACTICE}
        today = timezone.localdate()
        cached |= set(
            Membership.objects.filter(person__user=user, started_on__lte=today)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
            .values_list("practice_id", flat=True)
        )
        user._lp_practice_ids = cached
    return cached


# --- Applications --------------------------------------------------------------------------------


def is_application_owner(user, application) -> bool:
    """The person who started it, or anyone of the practice (a colleague with access)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return application.created_by_id == user.pk or application.practice_id in own_practice_ids(user)


def has_conflict(user, application) -> bool:
    """A reviewer is kept out of their own practice's application and where they declared a conflict."""
    if application.practice_id in own_practice_ids(user):
        return True
    return application.reviews.filter(reviewer=user, conflict_of_interest=True).exists()


def can_view_application(user, application) -> bool:
    if is_application_owner(user, application):
        return True
    round_obj = application.round
    if is_leader(user, round_obj):
        return True
    if is_steering(user, round_obj) and application.status != "draft" and round_obj.review_is_open():
        return application.practice_id not in own_practice_ids(user)
    return False


def can_review(user, application) -> bool:
    round_obj = application.round
    return (
        is_reviewer_of_round(user, round_obj)
        and application.status != "draft"
        and application.submitted_at is not None
        and round_obj.review_is_open()
        and application.practice_id not in own_practice_ids(user)
    )


def can_see_all_scores(user, round_obj) -> bool:
    return is_leader(user, round_obj)


def can_recommend(user, application) -> bool:
    return can_review(user, application) and not has_conflict(user, application)


def can_decide(user, application) -> bool:
    return is_leader(user, application.round) and application.practice_id not in own_practice_ids(user)


ACTIONS = {
    "view": can_view_application,
    "edit": lambda u, a: is_application_owner(u, a),
    "review": can_review,
    "recommend": can_recommend,
    "decide": can_decide,
    # The practice itself, or a project leader on its behalf (say, when it phones in).
    "withdraw": lambda u, a: is_application_owner(u, a) or can_decide(u, a),
}


def get_application_for_user(user, pk: int, action: str = "view"):
    """Load an application the user may see; 404 for an outsider, 403 if the action is not theirs."""
    from applications.models import Application

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


def get_round_for_user(user, pk: int, *, roles: tuple[str, ...]):
    """A round the user holds one of `roles` in; 404 otherwise."""
    from ligepraksis.models import ProgrammeRound

    if pk not in round_ids_with_role(user, *roles):
        raise Http404
    try:
        return ProgrammeRound.objects.select_related("region").get(pk=pk)
    except ProgrammeRound.DoesNotExist as exc:
        raise Http404 from exc


def visible_rounds(user):
    """Rounds the user has a round-scoped role in."""
    from ligepraksis.models import ProgrammeRound

    return ProgrammeRound.objects.filter(pk__in=round_ids_with_role(user, *Role.values))


# --- Activities ----------------------------------------------------------------------------------


def provider_ids(user) -> set[int]:
    return {g.provider_id for g in _grants(user) if g.role == Role.PROVIDER and g.provider_id}


def can_edit_activity(user, activity) -> bool:
    """Project leaders of the activity's round, or the provider organisation that runs it."""
    if activity.round_id and has_role(user, Role.PROJECT_LEADER, round_id=activity.round_id):
        return True
    return bool(activity.provider_id) and activity.provider_id in provider_ids(user)


can_take_attendance = can_edit_activity


def can_manage_catalogue(user, round_obj) -> bool:
    return is_leader(user, round_obj) or bool(provider_ids(user))


def get_activity_for_editor(user, pk: int):
    """An activity the user may edit; 404 for everyone else (the public page shows it read-only)."""
    from activities.models import Activity

    try:
        activity = Activity.objects.select_related("round", "provider").get(pk=pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    if not can_edit_activity(user, activity):
        raise Http404
    return activity


def get_session_for_editor(user, pk: int):
    from activities.models import Session

    try:
        session = Session.objects.select_related("activity__round", "activity__provider").get(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc
    if not can_edit_activity(user, session.activity):
        raise Http404
    return session


def get_practice_for_user(user, pk: int):
    """The user's own practice, or any practice for a leader of a round it takes part in; else 404."""
    from applications.models import Practice

    try:
        practice = Practice.objects.select_related("municipality").get(pk=pk)
    except Practice.DoesNotExist as exc:
        raise Http404 from exc
    if pk in own_practice_ids(user):
        return practice
    leader_rounds = round_ids_with_role(user, Role.PROJECT_LEADER, Role.CONSULTANT)
    if leader_rounds and practice.participations.filter(round_id__in=leader_rounds).exists():
        return practice
    raise Http404


def get_registration_for_user(user, pk: int):
    from activities.models import Registration

    try:
        reg = Registration.objects.select_related("session__activity__round", "person", "practice").get(pk=pk)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    if reg.practice_id in own_practice_ids(user) or is_leader(user, reg.session.activity.round):
        return reg
    raise Http404


def get_claim_for_leader(user, pk: int):
    from activities.models import HourClaim

    try:
        claim = HourClaim.objects.select_related("round", "practice", "person").get(pk=pk)
    except HourClaim.DoesNotExist as exc:
        raise Http404 from exc
    if claim.practice_id in own_practice_ids(user) and not is_leader(user, claim.round):
        raise PermissionDenied
    if not is_leader(user, claim.round):
        raise Http404
    return claim


def get_claim_for_user(user, pk: int):
    """A claim for its own practice or for a project leader of its round (the evidence file); else 404."""
    from activities.models import HourClaim

    try:
        claim = HourClaim.objects.select_related("round", "practice", "person").get(pk=pk)
    except HourClaim.DoesNotExist as exc:
        raise Http404 from exc
    if claim.practice_id in own_practice_ids(user) or is_leader(user, claim.round):
        return claim
    raise Http404
