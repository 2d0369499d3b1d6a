"""Role grants: the core's part of who may see and change what.

The grants (round, region and provider roles) live in `ligepraksis.models.RoleGrant`; acting for a
practice is a `practices.PracticeGrant`. Each app has a small `permissions.py` of loaders in the
style of Healthchecks' ``_get_check_for_user``: they return querysets or objects of what a user may
see and raise Http404 for an outsider (so nobody learns that an object exists) or PermissionDenied
(403) for someone who may see the object but not do the action asked. The permission-matrix test
(tests/test_permission_matrix.py) is the one specification of who sees what.
"""

from __future__ import annotations

from django.http import Http404

from ligepraksis.models import ProgrammeRound, Role, RoleGrant

_CACHE_ATTRS = ("_lp_grants", "_lp_practice_ids")


def _grants(user) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lp_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user))
        user._lp_grants = cached
    return cached


def role_grants(user) -> list[RoleGrant]:
    """The user's role grants (cached for the request)."""
    return list(_grants(user))


def forget_grants(user) -> None:
    """Drop the per-request caches after a grant was added or removed."""
    for attr in _CACHE_ATTRS:
        if hasattr(user, attr):
            delattr(user, attr)


def has_role(user, role: str, *, round_id=None, region_id=None, provider_id=None) -> bool:
    for g in _grants(user):
        if g.role != role:
            continue
        if round_id is not None and g.round_id != round_id:
            continue
        if region_id is not None and g.region_id != region_id:
            continue
        if provider_id is not None and g.provider_id != provider_id:
            continue
        return True
    return False


def round_ids_with_role(user, *roles: str) -> set[int]:
    return {g.round_id for g in _grants(user) if g.role in roles and g.round_id}


def provider_ids(user) -> set[int]:
    return {g.provider_id for g in _grants(user) if g.role == Role.PROVIDER and g.provider_id}


def is_leader(user, round_obj) -> bool:
    return has_role(user, Role.PROJECT_LEADER, round_id=round_obj.pk)


def is_leader_of_round_id(user, round_id) -> bool:
    return round_id is not None and has_role(user, Role.PROJECT_LEADER, round_id=round_id)


def is_steering(user, round_obj) -> bool:
    return has_role(user, Role.STEERING, round_id=round_obj.pk)


def is_reviewer_of_round(user, round_obj) -> bool:
    return is_leader(user, round_obj) or is_steering(user, round_obj)


def rounds_for_user(user, *roles: str):
    """The rounds the user holds one of `roles` in."""
    return ProgrammeRound.objects.filter(pk__in=round_ids_with_role(user, *roles))


def get_round_for_user(user, pk: int, *, roles: tuple[str, ...]) -> ProgrammeRound:
    """A round the user holds one of `roles` in; 404 otherwise."""
    if pk not in round_ids_with_role(user, *roles):
        raise Http404
    try:
        return ProgrammeRound.objects.select_related("region").get(pk=pk)
    except ProgrammeRound.DoesNotExist as exc:
        raise Http404 from exc
