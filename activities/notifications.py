"""E-mails about sign-ups, cancelled sessions and hour claims: who gets them and what they say.

Called from activities/tasks.py. Tasks are acknowledged late and may run twice, so every mail is
claimed before it is sent and handed back if sending fails (a retry then sends it).

The claim is a conditional update of a field on the row (Registration.notified_status,
Registration.cancellation_notified_at, HourClaim.decision_notified_at): of two runs only one
changes the row, and only that one sends.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from activities.calendar import calendar_bytes
from activities.feeds import person_feed_url
from activities.models import ClaimStatus, HourClaim, Registration, RegistrationStatus, Session

ICS_NAME = "invitation.ics"
ICS_TYPE = "text/calendar"


# --- Helpers ------------------------------------------------------------------------------------


def site_link(name: str, *args) -> str:
    """An absolute link to a page of the portal; the front page if that page does not exist (yet)."""
    try:
        return settings.SITE_URL + reverse(name, args=args)
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def format_hours(value) -> str:
    """Hours the Danish way in the active language, without trailing zeros: 10, 7,5, 1,25."""
    value = Decimal(value)
    places = next((n for n in (0, 1) if value == round(value, n)), 2)
    return floatformat(value, places)


def session_when(session) -> str:
    """'lørdag 28. marts 2026, 18:00–19:30' in the active language, in Danish time."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    text = date_format(start, "l j. F Y, H:i")
    if end.date() == start.date():
        return f"{text}–{date_format(end, 'H:i')}"
    return f"{text} – {date_format(end, 'l j. F Y, H:i')}"


def send_templated(template: str, context: dict, to: str, attachments=()) -> None:
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[to])
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


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
        "deadline": date_format(timezone.localtime(session.signup_deadline), "SHORT_DATETIME_FORMAT"),
        "site_url": settings.SITE_URL,
        "catalogue_url": site_link("activities:catalogue"),
        "activity_url": site_link("activities:activity", session.activity_id),
    }


def _claimed_send(
    model, pk: int, *, unclaimed: Q, claim: dict, release: dict, send: Callable[[], None]
) -> bool:
    """Claim the row with a conditional update, send, hand it back on failure.
    Returns False if another run has (or had) it."""
    if not model.objects.filter(unclaimed, pk=pk).update(**claim):
        return False
    try:
        send()
    except Exception:
        model.objects.filter(pk=pk).update(**release)
        raise
    return True


# --- Sign-ups -------------------------------------------------------------------------------------


def registration_notify(*, registration_id: int, now=None) -> bool:
    """Confirmed (also when promoted from the waiting list): "you are signed up" with invitation.ics;
    waitlisted: "you are on the waiting list", no .ics. Once per registration and status.
    Returns whether a mail was sent."""
    now = now or timezone.now()
    registration = (
        Registration.objects.select_related("session__activity", "person", "registered_by")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        return False
    session = registration.session
    if session.is_cancelled or session.starts_at <= now:
        return False  # the cancellation mail tells them; a past session needs no confirmation
    to = registration_recipient(registration)
    if not to:
        return False
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    template = "activity_registered" if confirmed else "activity_waitlisted"

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            context = session_context(session) | {
                "registration": registration,
                "person": registration.person,
                "feed_url": person_feed_url(registration.person),
            }
            attachments = []
            if confirmed:
                ics = calendar_bytes([session], session.activity.title, method="PUBLISH", attendee=to)
                attachments.append((ICS_NAME, ics, ICS_TYPE))
            send_templated(template, context, to, attachments)

    status = registration.status
    return _claimed_send(
        Registration,
        registration.pk,
        unclaimed=Q(status=status) & ~Q(notified_status=status),
        claim={"notified_status": status},
        release={"notified_status": registration.notified_status},
        send=send,
    )


# --- A cancelled session --------------------------------------------------------------------------


def session_cancelled_notify(*, session_id: int) -> int:
    """Tell everyone confirmed or waitlisted that the session is cancelled; the confirmed (who got an
    invitation) also get a cancelling .ics (METHOD:CANCEL, STATUS:CANCELLED, the same UID).
    Each registration is claimed on its own, so a retry after a failure sends only what is left.
    Returns how many mails were sent."""
    session = Session.objects.select_related("activity").filter(pk=session_id).first()
    if session is None or not session.is_cancelled:
        return 0
    registrations = session.registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    ).select_related("person", "registered_by")
    sent, failure = 0, None
    for registration in registrations:
        to = registration_recipient(registration)
        if not to:
            continue

        def send(registration=registration, to=to):
            with translation.override(settings.LANGUAGE_CODE):
                context = session_context(session) | {
                    "registration": registration,
                    "person": registration.person,
                }
                attachments = []
                if registration.status == RegistrationStatus.CONFIRMED:
                    ics = calendar_bytes([session], session.activity.title, method="CANCEL", attendee=to)
                    attachments.append((ICS_NAME, ics, ICS_TYPE))
                send_templated("activity_session_cancelled", context, to, attachments)

        try:
            sent += _claimed_send(
                Registration,
                registration.pk,
                unclaimed=Q(cancellation_notified_at__isnull=True),
                claim={"cancellation_notified_at": timezone.now()},
                release={"cancellation_notified_at": None},
                send=send,
            )
        except Exception as exc:  # try the others; the task's retry sends the rest
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


# --- Hour claims --------------------------------------------------------------------------------


def claim_decided_notify(*, claim_id: int) -> bool:
    """Tell whoever submitted the claim that it was approved, or rejected and why."""
    claim = (
        HourClaim.objects.select_related("submitted_by", "person", "practice", "activity", "round")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None or claim.status == ClaimStatus.PENDING or not claim.submitted_by.email:
        return False
    approved = claim.status == ClaimStatus.APPROVED

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "claim": claim,
                "approved": approved,
                "occurred_on": date_format(claim.occurred_on, "SHORT_DATE_FORMAT"),
                "hours": format_hours(claim.hours),
                "site_url": settings.SITE_URL,
                "hours_url": site_link("activities:practice_hours", claim.practice_id),
            }
            send_templated("activity_claim_decided", context, claim.submitted_by.email)

    return _claimed_send(
        HourClaim,
        claim.pk,
        unclaimed=Q(decision_notified_at__isnull=True) & ~Q(status=ClaimStatus.PENDING),
        claim={"decision_notified_at": timezone.now()},
        release={"decision_notified_at": None},
        send=send,
    )
