"""Shared writes: accounts and role grants."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from ligepraksis.models import Role, RoleGrant
from ligepraksis.permissions import forget_grants


def user_get_or_create(*, email: str, full_name: str = ""):
    """An account for an e-mail address, created without a usable password if new."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.full_clean()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # created a moment ago by a parallel request (a double click)
            return User.objects.get(email__iexact=email)
    elif full_name and not user.full_name:
        user.full_name = full_name
        user.full_clean()
        user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def role_grant(*, user, role: str, round=None, region=None, provider=None) -> RoleGrant:
    """Give a user a role in a scope (idempotent)."""
    grant, _ = RoleGrant.objects.get_or_create(
        user=user, role=Role(role), round=round, region=region, provider=provider
    )
    forget_grants(user)
    return grant
