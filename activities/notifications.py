"""E-mails about sign-ups, moved and cancelled sessions and hour claims: who gets them and what they say.

The services call these inside the transaction that makes the change; each writes outbox rows
(ligepraksis/mail.py) with a key, so a message is written once and sent after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from activities.calendar import calendar_bytes
from activities.feeds import person_feed_url
from activities.models import ClaimStatus, RegistrationStatus
from ligepraksis import formatting, mail
from ligepraksis.links import absolute_url, site_url

ICS_NAME = "invitation.ics"
ICS_TYPE = "text/calendar"


# --- Helpers ------------------------------------------------------------------------------------


def site_link(name: str, *args) -> str:
    """An absolute link to a page of the portal."""
    return absolute_url(name, *args)


def session_when(session) -> str:
    """'lørdag 28. marts 2026, 18:00–19:30' in the active language, in Danish time."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    text = date_format(start, "l j. F Y, H:i")
    if end.date() == start.date():
        return f"{text}–{date_format(end, 'H:i')}"
    return f"{text} – {date_format(end, 'l j. F Y, H:i')}"


def registration_recipient(registration) -> str:
    """The person's own address, else the user who signed them up."""
    if registration.person.email:
        return registration.person.email
    if registration.registered_by is not None and registration.registered_by.email:
        return registration.registered_by.email
    return ""


def session_context(session) -> dict:
    return {
        "session": session,
        "activity": session.activity,
        "when": session_when(session),
        "deadline": formatting.when(session.signup_deadline),
        "site_url": site_url(),
        "catalogue_url": site_link("activities:catalogue"),
        "activity_url": site_link("activities:activity", session.activity_id),
    }


def _in_danish(build):
    """Dates and hours in the mail's language (Danish), whatever the request's language was."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


# --- Sign-ups -------------------------------------------------------------------------------------


def registration_enqueue(registration, *, now=None) -> bool:
    """Confirmed (also when promoted from the waiting list): "you are signed up" with invitation.ics;
    waitlisted: "you are on the waiting list", no .ics. Once per registration and status."""
    if mail.is_suppressed():  # mail is switched off (demo and generated data): build nothing
        return False
    now = now or timezone.now()
    session = registration.session
    if (
        registration.status == RegistrationStatus.CANCELLED
        or session.is_cancelled
        or session.starts_at <= now
    ):
        return False  # the cancellation mail tells them; a past session needs no confirmation
    to = registration_recipient(registration)
    if not to:
        return False
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    template = "activity_registered" if confirmed else "activity_waitlisted"

    def build():
        context = session_context(session) | {
            "registration": registration,
            "person": registration.person,
            "feed_url": person_feed_url(registration.person),
        }
        attachments = []
        if confirmed:
            ics = calendar_bytes([session], session.activity.title, method="PUBLISH", attendee=to)
            attachments.append((ICS_NAME, ics, ICS_TYPE))
        return context, attachments

    context, attachments = _in_danish(build)
    key = f"registration:{registration.pk}:{registration.status}"
    return bool(mail.enqueue(to=to, template=template, context=context, attachments=attachments, key=key))


# --- A cancelled session --------------------------------------------------------------------------


def session_cancelled_enqueue(session) -> int:
    """Tell everyone confirmed or waitlisted that the session is cancelled; the confirmed (who got an
    invitation) also get a cancelling .ics (METHOD:CANCEL, STATUS:CANCELLED, the same UID).
    Returns how many messages were written."""
    if mail.is_suppressed():  # mail is switched off (demo and generated data): build nothing
        return 0
    registrations = session.registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    ).select_related("person", "registered_by")
    written = 0
    for registration in registrations:
        to = registration_recipient(registration)
        if not to:
            continue

        def build(registration=registration, to=to):
            context = session_context(session) | {"registration": registration, "person": registration.person}
            attachments = []
            if registration.status == RegistrationStatus.CONFIRMED:
                ics = calendar_bytes([session], session.activity.title, method="CANCEL", attendee=to)
                attachments.append((ICS_NAME, ics, ICS_TYPE))
            return context, attachments

        context, attachments = _in_danish(build)
        written += bool(
            mail.enqueue(
                to=to,
                template="activity_session_cancelled",
                context=context,
                attachments=attachments,
                key=f"session-cancelled:{registration.pk}",
            )
        )
    return written


# --- A moved session ------------------------------------------------------------------------------


def session_moved_enqueue(session, *, previous, now=None) -> int:
    """The session's time, place or online link changed (its `sequence` already raised): the
    confirmed get an updated invitation (METHOD:REQUEST, the same UID, the new SEQUENCE), the waiting
    list a note without one. Once per registration and calendar version. Nobody is told about a
    cancelled session (they were told it is cancelled) or one that has ended. Returns how many
    messages were written."""
    if mail.is_suppressed():  # mail is switched off (demo and generated data): build nothing
        return 0
    now = now or timezone.now()
    if session.is_cancelled or session.ends_at <= now:
        return 0
    registrations = session.registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    ).select_related("person", "registered_by")
    written = 0
    for registration in registrations:
        to = registration_recipient(registration)
        if not to:
            continue

        def build(registration=registration, to=to):
            context = session_context(session) | {
                "registration": registration,
                "person": registration.person,
                "previous_when": session_when(previous),
                "previous_place": previous.place,
                "previous_online_link": previous.online_link,
                "time_changed": (previous.starts_at, previous.ends_at)
                != (session.starts_at, session.ends_at),
                "place_changed": previous.place != session.place,
                "link_changed": previous.online_link != session.online_link,
            }
            attachments = []
            if registration.status == RegistrationStatus.CONFIRMED:
                ics = calendar_bytes([session], session.activity.title, method="REQUEST", attendee=to)
                attachments.append((ICS_NAME, ics, ICS_TYPE))
            return context, attachments

        context, attachments = _in_danish(build)
        written += bool(
            mail.enqueue(
                to=to,
                template="activity_session_moved",
                context=context,
                attachments=attachments,
                key=f"session-moved:{registration.pk}:{session.sequence}",
            )
        )
    return written


# --- Hour claims --------------------------------------------------------------------------------


def claim_decided_enqueue(claim) -> bool:
    """Tell whoever submitted the claim that it was approved, or rejected and why."""
    if mail.is_suppressed():  # mail is switched off (demo and generated data): build nothing
        return False
    if claim.status == ClaimStatus.PENDING or not claim.submitted_by.email:
        return False
    approved = claim.status == ClaimStatus.APPROVED
    context = _in_danish(
        lambda: {
            "claim": claim,
            "approved": approved,
            "occurred_on": formatting.day(claim.occurred_on),
            "hours": formatting.hours_text(claim.hours),
            "site_url": site_url(),
            "hours_url": site_link("activities:practice_hours", claim.practice_id),
        }
    )
    return bool(
        mail.enqueue(
            to=claim.submitted_by.email,
            template="activity_claim_decided",
            context=context,
            key=f"claim-decided:{claim.pk}",
        )
    )
