"""Sign-in links by e-mail: who may have one, sending one, spending one.

Applicants, practices that join the activities, and colleagues given a login on a practice's page of
people have accounts without a password. They log in with a link mailed to their address:

- A link signs in only an account for which `signs_in_by_link` holds: active, no usable password,
  not staff or superuser, no role grant (a practice grant is fine; it lives in practices/ and gives no
  more than the practice's own pages). Every other account logs in with its password and django-axes'
  throttle; asking for a link for its address mails it "log in with your password, or reset it".
- A new address gets its account (without a password) when the link is asked for, so every link is a
  django-sesame token of an existing account. The page that asked answers the same for every address.
- A token is bound to its purpose (`scope`: "apply:<round id>", "join", "signin"), lives
  SIGNIN_LINK_MAX_AGE seconds (30 minutes) and works once: its signature covers the account's
  last_login (SESAME_ONE_TIME), the password and the address. Spending it locks the account's row, so
  of several requests with the same link exactly one signs in.
- The link opens a page with a "Log in" button and only its POST spends the token, because mail
  scanners open links before people do (ligepraksis/email_links.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from sesame.utils import get_token

from ligepraksis import links, mail
from ligepraksis.auth import SigninLinkTokens
from ligepraksis.errors import DomainError
from ligepraksis.models import RoleGrant
from ligepraksis.services import user_get_or_create

SCOPE_SIGNIN = "signin"
SCOPE_JOIN = "join"

# DomainError codes
LINK_INVALID = "signin_link_invalid"  # bad, expired, used earlier, or for another purpose
LINK_USED = "signin_link_used"  # spent by another request a moment ago (a double click, a race)
LINK_NOT_ALLOWED = "signin_link_not_allowed"  # the account must log in with its password


def apply_scope(round_id: int) -> str:
    return f"apply:{round_id}"


def link_minutes() -> int:
    return max(1, settings.SIGNIN_LINK_MAX_AGE // 60)


def signs_in_by_link(user) -> bool:
    """The one rule for who may log in by an e-mailed link."""
    return (
        user.is_active
        and not user.has_usable_password()
        and not user.is_staff
        and not user.is_superuser
        and not RoleGrant.objects.filter(user=user).exists()
    )


def signin_link_send(
    *,
    email: str,
    scope: str,
    url_name: str,
    template: str,
    absolute_url: Callable[[str], str] = links.absolute,
    url_kwargs: dict | None = None,
    context: dict | None = None,
) -> None:
    """Mail a sign-in link for `scope`, or tell an account that logs in with its password so.

    The link is `url_name` reversed with `url_kwargs` and the token (as `token`), made absolute by
    `absolute_url` (SITE_URL, ligepraksis/links.py). The mail is templates/emails/<template>_*.txt
    with `link` and `minutes` added to `context`. A new address gets an account without a password;
    a closed account gets nothing. The caller shows the same page whatever happened.
    """
    with transaction.atomic():
        user = user_get_or_create(email=email)
        if not user.is_active:
            return
        if signs_in_by_link(user):
            token = get_token(user, scope=scope)
            link = absolute_url(reverse(url_name, kwargs={**(url_kwargs or {}), "token": token}))
            mail.enqueue(
                to=user.email,
                template=template,
                context={**(context or {}), "link": link, "minutes": link_minutes()},
            )
        else:
            mail.enqueue(
                to=user.email,
                template="signin_use_password",
                context={
                    "login_url": absolute_url(reverse("login")),
                    "reset_url": absolute_url(reverse("password_reset")),
                },
            )


def _invalid() -> DomainError:
    return DomainError(
        _(
            "This sign-in link does not work (any more): it has been used, it is more than %(minutes)s "
            "minutes old, or it is incomplete. Please ask for a new one."
        )
        % {"minutes": link_minutes()},
        code=LINK_INVALID,
    )


def signin_link_check(*, token: str, scope: str):
    """The account a link would sign in, without spending it (the page with the button shows it).
    Raises DomainError(LINK_INVALID or LINK_NOT_ALLOWED)."""
    user = _token_user(token, scope, lock=False)
    if user is None:
        raise _invalid()
    if not signs_in_by_link(user):
        raise _not_allowed()
    return user


def signin_link_spend(*, token: str, scope: str):
    """Spend a link: return its account, whose last_login is now set (which kills the token).

    Raises DomainError with code LINK_INVALID, LINK_USED (another request spent it a moment ago) or
    LINK_NOT_ALLOWED. The caller logs the account in.
    """
    signin_link_check(token=token, scope=scope)
    with transaction.atomic():
        # A second request with the same link waits here for the first to commit, then reads the new
        # last_login, which no longer matches the token's signature.
        user = _token_user(token, scope, lock=True)
        if user is None:
            raise _just_used()
        if not signs_in_by_link(user):
            raise _not_allowed()
        if not _mark_spent(user, timezone.now()):
            raise _just_used()
    return user


def _token_user(token: str, scope: str, *, lock: bool):
    return SigninLinkTokens(lock=lock).authenticate(
        None, sesame=token, scope=scope, max_age=settings.SIGNIN_LINK_MAX_AGE
    )


def _mark_spent(user, now) -> bool:
    """Move last_login on, only if nobody else did since the token was checked (a second guard
    besides the row lock, for databases without row locks)."""
    User = get_user_model()
    unchanged = {"last_login__isnull": True} if user.last_login is None else {"last_login": user.last_login}
    if not User.objects.filter(pk=user.pk, **unchanged).update(last_login=now):
        return False
    user.last_login = now
    return True


def _just_used() -> DomainError:
    return DomainError(
        _("This sign-in link has just been used. If that was not you, please ask for a new one."),
        code=LINK_USED,
    )


def _not_allowed() -> DomainError:
    return DomainError(
        _(
            "This account logs in with its password, not with a link. Forgotten it? Choose a new one "
            "with “Forgotten your password”."
        ),
        code=LINK_NOT_ALLOWED,
    )
