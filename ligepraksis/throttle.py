"""Throttles on what a visitor or a fresh login can make the portal do in bulk (security finding 9):
sign-in e-mails, practice registrations and session sign-ups, each per address or login and per
client (IP address).

They sit on the VIEWS, as decorators, never in the services: the demo data, generated data and the
services' own tests are not throttled, and a project leader's tools are not slowed down.

    @throttle.sign_in_mail
    def apply(request, ...): ...

    @throttle.throttled(PER_USER, PER_CLIENT, when=..., message=...)

Counting is a sliding window over Django's cache (the default LocMemCache counts per process, which
is right for one process; a deployment with several web processes sets CACHE_URL to a shared cache,
Redis say, so that every process sees the same counts). The limits are settings (THROTTLES, each
overridable from the environment). Over a limit the visitor gets a page saying so in Danish, with
HTTP status 429 and a Retry-After header.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def _now() -> float:
    return time.time()


# --- Who is asking --------------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address. Behind THROTTLE_PROXY_COUNT trusted proxies that each append to
    X-Forwarded-For, the address that many entries from the right (a client can write the left part
    of the header itself, never the part our proxies add). IPv6 addresses count per /64 network,
    which one client usually has whole."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    chosen = remote
    proxies = settings.THROTTLE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if parts:
            chosen = parts[-proxies] if len(parts) >= proxies else parts[0]
    try:
        address = ipaddress.ip_address(chosen)
    except ValueError:
        try:
            address = ipaddress.ip_address(remote)
        except ValueError:
            return "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def posted_address(request) -> str | None:
    """The e-mail address in a posted form (field `email`), normalised; None if it is not one."""
    raw = (request.POST.get("email") or "").strip().lower()
    if not raw or len(raw) > 254:
        return None
    try:
        validate_email(raw)
    except ValidationError:
        return None
    return raw


def user_key(request) -> str | None:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


# --- The counter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """One limit: its name in settings.THROTTLES, and what it counts by (None: not counted)."""

    name: str
    by: Callable[[object], str | None]

    @property
    def rate(self) -> tuple[int, int]:
        """(how many, per how many seconds)."""
        return settings.THROTTLES[self.name]


def _keys(name: str, ident: str, now: float, seconds: int) -> tuple[str, str, float]:
    window = math.floor(now / seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]  # no address in a cache key
    elapsed = (now - window * seconds) / seconds
    return f"throttle:{name}:{digest}:{window}", f"throttle:{name}:{digest}:{window - 1}", elapsed


def count(limit: Limit, ident: str) -> int:
    """How many in the last period: this window's count plus the share of the last window's count
    that still falls inside the period, rounded up (a sliding window: no burst of twice the limit
    around a window boundary)."""
    _limit, seconds = limit.rate
    current, previous, elapsed = _keys(limit.name, ident, _now(), seconds)
    got = cache.get_many([current, previous])
    return got.get(current, 0) + math.ceil(got.get(previous, 0) * (1 - elapsed))


def is_over(limit: Limit, ident: str) -> bool:
    return count(limit, ident) >= limit.rate[0]


def hit(limit: Limit, ident: str) -> None:
    _limit, seconds = limit.rate
    current, _previous, _elapsed = _keys(limit.name, ident, _now(), seconds)
    cache.add(current, 0, timeout=2 * seconds + 60)
    try:
        cache.incr(current)
    except ValueError:  # expired between add and incr
        cache.set(current, 1, timeout=2 * seconds + 60)


# --- The refusal --------------------------------------------------------------------------------------


def refused(request, message, *, retry_after: int):
    response = render(request, "throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _is_post(request) -> bool:
    return request.method == "POST"


def _redirected(response) -> bool:
    return response.status_code in (301, 302, 303)


def throttled(
    *limits: Limit,
    message,
    when: Callable = _is_post,
    counts: Callable | None = _redirected,
):
    """Refuse a request (429) when any of `limits` is reached for it, if `when(request)`.

    `counts(response)` says whether the request counts (by default: it redirected, which the views
    do only when the action succeeded); `counts=None` counts every request let through.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not when(request):
                return view(request, *args, **kwargs)
            idents = [(limit, ident) for limit in limits if (ident := limit.by(request))]
            for limit, ident in idents:
                if is_over(limit, ident):
                    log.warning("Throttled %s (%s %s)", limit.name, request.method, request.path)
                    return refused(request, message, retry_after=limit.rate[1])
            if counts is None:
                for limit, ident in idents:
                    hit(limit, ident)
                return view(request, *args, **kwargs)
            response = view(request, *args, **kwargs)
            if counts(response):
                for limit, ident in idents:
                    hit(limit, ident)
            return response

        return wrapped

    return decorator


# --- The portal's throttles ----------------------------------------------------------------------------


def _asks_for_sign_in_mail(request) -> bool:
    """An anonymous visitor posting a valid address: the view mails a sign-in link to it."""
    user = getattr(request, "user", None)
    return (
        request.method == "POST"
        and not (user is not None and user.is_authenticated)
        and posted_address(request) is not None
    )


# Applying (applications.views.apply) and joining the activities (practices.views.join) mail a link
# that signs the owner of an address in. Counted when asked for, before the mail is written.
sign_in_mail = throttled(
    Limit("sign_in_mail_per_address", posted_address),
    Limit("sign_in_mail_per_client", client_ip),
    when=_asks_for_sign_in_mail,
    counts=None,
    message=_(
        "Too many sign-in e-mails have been asked for. Please look for the e-mail you already got (also in "
        "the spam folder), or wait an hour and try again."
    ),
)


def practice_registration(when: Callable = _is_post):
    """Registering a practice (applications.views.start, practices.views.join_practice): counted when it
    succeeded, per login and per client."""
    return throttled(
        Limit("practice_registration_per_user", user_key),
        Limit("practice_registration_per_client", client_ip),
        when=when,
        message=_(
            "Too many practices have been registered from here today. Please try again tomorrow, or "
            "contact the project leaders."
        ),
    )


# Signing people up for a session (activities.views.signup): counted when it succeeded.
session_signup = throttled(
    Limit("signup_per_user", user_key),
    Limit("signup_per_client", client_ip),
    message=_("Too many sign-ups in a short time. Please wait a while and try again."),
)
