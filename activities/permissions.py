"""Who may edit the catalogue, take attendance, see a registration or decide an hour claim; loaders
that answer 404 to outsiders (the permission-matrix test is the specification)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from activities.models import Activity, HourClaim, Registration, Session
from applications.permissions import participations_seen_by  # noqa: F401  (re-exported for the views)
from ligepraksis.models import Role
from ligepraksis.permissions import (  # noqa: F401  (re-exported for the views)
    get_round_for_user,
    has_role,
    is_leader,
    provider_ids,
    round_ids_with_role,
)
from practices.permissions import acts_for, get_practice_for_user, own_practice_ids  # noqa: F401


def can_edit_activity(user, activity) -> bool:
    """Project leaders of the activity's round, or the provider organisation that runs it."""
    if activity.round_id and has_role(user, Role.PROJECT_LEADER, round_id=activity.round_id):
        return True
    return bool(activity.provider_id) and activity.provider_id in provider_ids(user)


can_take_attendance = can_edit_activity


def can_manage_catalogue(user, round_obj) -> bool:
    return is_leader(user, round_obj) or bool(provider_ids(user))


def can_decide_claim(user, claim) -> bool:
    """A project leader of the claim's round, never on a practice they act for (their own hours)."""
    return is_leader(user, claim.round) and not acts_for(user, claim.practice_id)


def get_activity_for_editor(user, pk: int) -> Activity:
    """An activity the user may edit; 404 for everyone else (the public page shows it read-only)."""
    activity = Activity.objects.select_related("round", "provider").filter(pk=pk).first()
    if activity is None or not can_edit_activity(user, activity):
        raise Http404
    return activity


def get_session_for_editor(user, pk: int) -> Session:
    session = Session.objects.select_related("activity__round", "activity__provider").filter(pk=pk).first()
    if session is None or not can_edit_activity(user, session.activity):
        raise Http404
    return session


def get_registration_for_user(user, pk: int) -> Registration:
    reg = (
        Registration.objects.select_related("session__activity__round", "person", "practice")
        .filter(pk=pk)
        .first()
    )
    if reg is None:
        raise Http404
    if acts_for(user, reg.practice_id) or (
        reg.session.activity.round_id and is_leader(user, reg.session.activity.round)
    ):
        return reg
    raise Http404


def get_claim_for_leader(user, pk: int) -> HourClaim:
    """A claim a leader may decide: 404 to outsiders, 403 to a leader acting for the claim's practice."""
    claim = HourClaim.objects.select_related("round", "practice", "person").filter(pk=pk).first()
    if claim is None:
        raise Http404
    if acts_for(user, claim.practice_id) and not is_leader(user, claim.round):
        raise PermissionDenied
    if not is_leader(user, claim.round):
        raise Http404
    if not can_decide_claim(user, claim):
        raise PermissionDenied
    return claim


def get_claim_for_user(user, pk: int) -> HourClaim:
    """A claim for its own practice or for a project leader of its round (the evidence file); else 404."""
    claim = HourClaim.objects.select_related("round", "practice", "person").filter(pk=pk).first()
    if claim is None:
        raise Http404
    if acts_for(user, claim.practice_id) or is_leader(user, claim.round):
        return claim
    raise Http404


def keeps_activities(user) -> bool:
    """Project leaders and activity providers keep activities (the my-activities page is theirs)."""
    return bool(round_ids_with_role(user, Role.PROJECT_LEADER) or provider_ids(user))


def editable_activities(user):
    """The activities `can_edit_activity` lets the user edit (and take attendance for): those of the
    rounds they lead and those their provider organisations run. The my-activities page lists these."""
    rounds = round_ids_with_role(user, Role.PROJECT_LEADER)
    providers = provider_ids(user)
    if not rounds and not providers:
        return Activity.objects.none()
    return Activity.objects.filter(Q(round_id__in=rounds) | Q(provider_id__in=providers))
