"""Absolute links to the portal, all from one setting: SITE_URL.

Every link that leaves the portal's own pages (e-mails, calendar feeds and their .ics, the feed
addresses a practice copies into its calendar) is built here, never from the request's Host header and
never by gluing ``settings.SITE_URL`` to a path by hand. ``python3 dev.py start`` sets SITE_URL to the
address it serves; a deployment sets it in .env, and ``manage.py check --deploy`` refuses a SITE_URL
that is not https or points at this machine (ligepraksis/checks.py).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def site_url() -> str:
    """The portal's address without a trailing slash, e.g. ``https://ligepraksis.rm.dk``."""
    return settings.SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """The absolute address of a path of the portal (``/aktiviteter/`` → ``https://…/aktiviteter/``)."""
    if not path.startswith("/"):
        raise ValueError(f"absolute() takes a path starting with '/', not {path!r}")
    return site_url() + path


def absolute_url(name: str, *args, **kwargs) -> str:
    """``reverse(name, args=args, kwargs=kwargs)`` as an absolute address."""
    return absolute(reverse(name, args=args or None, kwargs=kwargs or None))
