"""Sessions as iCalendar (RFC 5545): the .ics attached to e-mails and the calendar feeds.

Times are written as Europe/Copenhagen local times with a TZID and a VTIMEZONE, so a calendar shows
18:00 on both sides of the change to and from summer time, whatever the reader's own time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

PRODID = "-//MidtKraft//Lige Praksis i Midt//DA"
UID_DOMAIN = "lige-praksis"


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)  # Europe/Copenhagen


def session_uid(session, uid_suffix: str = "") -> str:
    """Stable per session, so a calendar updates (or cancels) the event it already holds."""
    return f"session-{session.pk}{uid_suffix}@{UID_DOMAIN}"


def session_event(session, *, uid_suffix: str = "", note: str = "", now=None) -> icalendar.Event:
    """One session as a VEVENT. Needs session.activity (select_related it for many sessions)."""
    zone = local_zone()
    activity = session.activity
    event = icalendar.Event()
    event.add("uid", session_uid(session, uid_suffix))
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", activity.title)
    location = session.place or session.online_link
    if location:
        event.add("location", location)
    if session.online_link:
        event.add("url", session.online_link)
    parts = []
    if session.is_cancelled and session.cancel_reason:
        parts.append(session.cancel_reason)
    if activity.description:
        parts.append(activity.description)
    if session.online_link and session.place:
        parts.append(session.online_link)
    if note:
        parts.append(note)
    if parts:
        event.add("description", "\n\n".join(parts))
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    # The version stored on the session, raised by each move and by cancelling: a calendar applies an
    # event with the same UID and a higher SEQUENCE over the one it holds (feeds and e-mails alike).
    event.add("sequence", session.sequence)
    return event


def _organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(name or "Lige Praksis i Midt")
    return organizer


def calendar_bytes(
    sessions: Iterable,
    name: str,
    *,
    method: str | None = None,
    notes: dict[int, str] | None = None,
    attendee: str = "",
) -> bytes:
    """A VCALENDAR of the sessions with the VTIMEZONE they need.

    method: None for a feed, "PUBLISH" for an e-mail attachment, "REQUEST" for an updated invitation
    after a move and "CANCEL" to withdraw an event the reader already has (both the same UID with a
    higher SEQUENCE); notes: extra text per session pk.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if not method:
        cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    now = timezone.now()
    first = last = None
    for session in sessions:
        event = session_event(session, note=(notes or {}).get(session.pk, ""), now=now)
        if method:
            event.add("organizer", _organizer())
            if attendee:
                event.add("attendee", f"mailto:{attendee}")
        cal.add_component(event)
        day = timezone.localtime(session.starts_at).date()
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
    if first is not None:
        # A VTIMEZONE covering the sessions (a year either side) rather than 1970-2038: smaller.
        cal.add_missing_timezones(
            first_date=dt.date(first.year - 1, 1, 1), last_date=dt.date(last.year + 2, 1, 1)
        )
    return cal.to_ical()
