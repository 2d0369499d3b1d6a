"""Secret-link iCalendar feeds: a person's and a practice's confirmed sessions.

A calendar program cannot log in, so the URL itself is the key: a random key stored on the person's
or the practice's row (`feed_token`, unique, 256 bits), found by a database lookup of the whole key.
Each feed has its own key, so one can be revoked without the others:

- someone acting for the practice makes a new link on the practice's page of people (the admin too);
- a person's feed ends when they leave the practice (`practices.services.membership_end` clears the
  key), and a person with no membership that goes on after today has no feed, whatever ended it;
- the practice's feed lists only the sessions of members who stay, never of people who left.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from activities.calendar import calendar_bytes
from activities.models import Registration, RegistrationStatus
from ligepraksis.links import absolute_url
from practices.models import Membership, Person, Practice
from practices.services import feed_token_ensure

# What new_feed_token() makes (43 characters); anything else is refused before the database is asked.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def person_token(person) -> str:
    return feed_token_ensure(person)


def practice_token(practice) -> str:
    return feed_token_ensure(practice)


def person_feed_url(person) -> str:
    """The absolute feed address to show the person (or their practice) once they are signed up."""
    return absolute_url("calendar:person", person_token(person))


def _by_token(queryset, token: str):
    if not TOKEN_SHAPE.fullmatch(token):
        raise Http404
    found = queryset.filter(feed_token=token).first()
    if found is None:
        raise Http404
    return found


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
    # Only while the person is a member of a practice: the feed ends with the membership, however
    # the membership was ended (the page of people, or an end date set in the admin).
    person = _by_token(
        Person.objects.filter(Exists(Membership.objects.continuing().filter(person=OuterRef("pk")))), token
    )
    sessions = [reg.session for reg in _confirmed().filter(person=person)]
    name = _("Lige Praksis i Midt: %(name)s") % {"name": person.name}
    return _ics_response(calendar_bytes(sessions, name), "lige-praksis.ics")


@require_GET
def practice_feed(request, token: str):
    practice = _by_token(Practice.objects.all(), token)
    members = Membership.objects.continuing().filter(practice=practice, person=OuterRef("person"))
    sessions, names = {}, defaultdict(list)
    for reg in _confirmed().filter(practice=practice).filter(Exists(members)):
        sessions.setdefault(reg.session_id, reg.session)
        names[reg.session_id].append(reg.person.name)
    notes = {
        pk: _("Signed up from %(practice)s: %(names)s") % {"practice": practice.name, "names": ", ".join(n)}
        for pk, n in names.items()
    }
    name = _("Lige Praksis i Midt: %(name)s") % {"name": practice.name}
    return _ics_response(calendar_bytes(sessions.values(), name, notes=notes), "lige-praksis.ics")
