"""Who acts for a practice, and loaders that answer 404 to everyone else."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from ligepraksis.registry import registry
from practices.models import Person, Practice, PracticeGrant


def own_practice_ids(user) -> set[int]:
    """The practices a login acts for (its practice grants), cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_lp_practice_ids", None)
    if cached is None:
        cached = set(PracticeGrant.objects.filter(user=user).values_list("practice_id", flat=True))
        user._lp_practice_ids = cached
    return cached


def acts_for(user, practice_id: int | None) -> bool:
    return practice_id is not None and practice_id in own_practice_ids(user)


def practices_for_user(user):
    """Practices the user acts for, and those the apps let them see (``registry.practice_visibility``)."""
    if not getattr(user, "is_authenticated", False):
        return Practice.objects.none()
    q = Q(pk__in=own_practice_ids(user))
    for visible in registry.practice_visibility:
        q |= visible(user)
    return Practice.objects.filter(q).distinct()


def get_practice_for_user(user, pk: int) -> Practice:
    """A practice the user acts for or may see; 404 otherwise."""
    if pk in own_practice_ids(user):
        qs = Practice.objects.filter(pk=pk)
    else:
        qs = practices_for_user(user).filter(pk=pk)
    practice = qs.select_related("municipality__region").first()
    if practice is None:
        raise Http404
    return practice


def get_member_for_user(user, practice: Practice, person_pk: int) -> Person:
    """A person with a membership (past or present) of a practice the user may see; 404 otherwise."""
    person = Person.objects.filter(pk=person_pk, memberships__practice=practice).distinct().first()
    if person is None:
        raise Http404
    return person
