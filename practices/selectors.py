"""Reads about practices and their people."""

from __future__ import annotations

from ligepraksis.validators import normalise_digits
from practices.models import Membership, Person, Practice, ProviderNumber


def practice_find(*, provider_number: str) -> Practice | None:
    """The practice with this provider number (ydernummer), or None."""
    number = normalise_digits(provider_number)
    found = ProviderNumber.objects.select_related("practice__municipality").filter(number=number).first()
    return found.practice if found else None


def current_members(practice: Practice, on=None):
    """People of a practice on a day (today), with their logins, by name."""
    return (
        Person.objects.filter(memberships__in=Membership.objects.current(on).filter(practice=practice))
        .select_related("user")
        .distinct()
        .order_by("name")
    )


def current_memberships(practice: Practice, on=None):
    return (
        Membership.objects.current(on)
        .filter(practice=practice)
        .select_related("person__user")
        .order_by("person__name")
    )


def member_with_email(practice: Practice, email: str) -> Person | None:
    if not email:
        return None
    return current_members(practice).filter(email__iexact=email).first()


def member_with_name(practice: Practice, name: str) -> Person | None:
    return current_members(practice).filter(name__iexact=name.strip()).first()
