"""Secret-link iCalendar feeds: a person's and a practice's confirmed sessions.

A calendar program cannot log in, so the URL itself is the key: a signed id (django.core.signing,
its own salt per kind, no expiry). Changing SECRET_KEY invalidates every feed link.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from activities.calendar import calendar_bytes
from activities.models import Registration, RegistrationStatus
from practices.models import Person, Practice

PERSON_SALT = "activities.feeds.person"
PRACTICE_SALT = "activities.feeds.practice"


def _signer(salt: str) -> signing.Signer:
    # "." rather than ":" as separator: the token sits in a URL path.
    return signing.Signer(salt=salt, sep=".")


def person_token(person) -> str:
    return _signer(PERSON_SALT).sign(str(person.pk))


def practice_token(practice) -> str:
    return _signer(PRACTICE_SALT).sign(str(practice.pk))


def _unsign(token: str, salt: str) -> int:
    try:
        value = _signer(salt).unsign(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if not value.isdigit():
        raise Http404
    return int(value)


def person_feed_url(person) -> str:
    """The absolute feed address to show the person (or their practice) once they are signed up."""
    return settings.SITE_URL + reverse("calendar:person", args=[person_token(person)])


def _confirmed():
    return (
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("session__activity", "person")
        .order_by("session__starts_at", "session_id", "pk")
    )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def person_feed(request, token: str):
    person = get_object_or_404(Person, pk=_unsign(token, PERSON_SALT))
    sessions = [reg.session for reg in _confirmed().filter(person=person)]
    name = _("Lige Praksis i Midt: %(name)s") % {"name": person.name}
    return _ics_response(calendar_bytes(sessions, name), "lige-praksis.ics")


@require_GET
def practice_feed(request, token: str):
    practice = get_object_or_404(Practice, pk=_unsign(token, PRACTICE_SALT))
    sessions, names = {}, defaultdict(list)
    for reg in _confirmed().filter(practice=practice):
        sessions.setdefault(reg.session_id, reg.session)
        names[reg.session_id].append(reg.person.name)
    notes = {
        pk: _("Signed up from %(practice)s: %(names)s") % {"practice": practice.name, "names": ", ".join(n)}
        for pk, n in names.items()
    }
    name = _("Lige Praksis i Midt: %(name)s") % {"name": practice.name}
    return _ics_response(calendar_bytes(sessions.values(), name, notes=notes), "lige-praksis.ics")
