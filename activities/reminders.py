"""Reminders run by Celery beat: a day before a session, and a nudge to practices under target.

Both claim a row before mailing (reminded_at, HourNudge.sent_at: a conditional update that only one
worker wins) and hand it back if the mail fails, so running a sweep twice, or two at once, mails once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone, translation

from activities.calendar import calendar_bytes
from activities.models import HourNudge, Registration, RegistrationStatus
from activities.notifications import (
    ICS_NAME,
    ICS_TYPE,
    format_hours,
    registration_recipient,
    send_templated,
    session_context,
    site_link,
)
from activities.selectors import ledgers
from applications.models import Participation
from ligepraksis.models import ProgrammeRound

log = logging.getLogger(__name__)

REMIND_AHEAD = dt.timedelta(hours=24)


def session_reminders_send(*, now=None) -> int:
    """Remind everyone confirmed for a session that starts within the next 24 hours, once.
    Returns how many reminders were sent; re-raises the first failure after trying the rest."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        session__cancelled_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMIND_AHEAD,
    ).values_list("pk", flat=True)
    sent, failure = 0, None
    for pk in list(due):
        claimed = Registration.objects.filter(
            pk=pk, reminded_at__isnull=True, status=RegistrationStatus.CONFIRMED
        ).update(reminded_at=now)
        if not claimed:
            continue  # another worker has it
        registration = Registration.objects.select_related(
            "session__activity", "person", "registered_by"
        ).get(pk=pk)
        to = registration_recipient(registration)
        if not to:
            continue  # nobody to tell; leave it marked so it is not tried every hour
        try:
            with translation.override(settings.LANGUAGE_CODE):
                session = registration.session
                context = session_context(session) | {
                    "registration": registration,
                    "person": registration.person,
                }
                ics = calendar_bytes([session], session.activity.title, method="PUBLISH", attendee=to)
                send_templated("activity_reminder", context, to, [(ICS_NAME, ics, ICS_TYPE)])
            sent += 1
        except Exception as exc:
            Registration.objects.filter(pk=pk, reminded_at=now).update(reminded_at=None)
            log.exception("Reminder for registration %s failed; handed back for the next run", pk)
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


def nudge_window(round_obj) -> tuple[dt.date, dt.date]:
    """The days on which a practice under target is nudged: nudge_weeks_before weeks up to the
    hour deadline, the deadline included."""
    deadline = round_obj.hour_window()[1]
    return deadline - dt.timedelta(weeks=round_obj.nudge_weeks_before), deadline


def _nudge_recipients(participation) -> list[str]:
    application = participation.application
    emails = [p.email for p in application.coordinators if p.email]
    if not emails and application.created_by.email:
        emails = [application.created_by.email]
    seen, unique = set(), []
    for email in emails:
        if email.lower() not in seen:
            seen.add(email.lower())
            unique.append(email)
    return unique


def hour_nudges_send(*, now=None) -> int:
    """For every round inside its nudge window, mail the coordinators of each active participation
    still under the hour target, once per participation (HourNudge). Returns how many were nudged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    nudged, failure = 0, None
    for round_obj in ProgrammeRound.objects.all():
        start, deadline = nudge_window(round_obj)
        if not start <= today <= deadline:
            continue
        participations = (
            Participation.objects.filter(round=round_obj, ended_at__isnull=True)
            .exclude(hour_nudge__sent_at__isnull=False)
            .select_related("application__created_by")
        )
        for ledger in ledgers(participations):
            if ledger.done:
                continue
            participation = ledger.participation
            nudge, _ = HourNudge.objects.get_or_create(participation=participation)
            if not HourNudge.objects.filter(pk=nudge.pk, sent_at__isnull=True).update(sent_at=now):
                continue  # already nudged, or another worker is at it
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    context = {
                        "participation": participation,
                        "practice": participation.practice,
                        "round": round_obj,
                        "ledger": ledger,
                        "done": format_hours(ledger.total),
                        "target": format_hours(ledger.target),
                        "remaining": format_hours(ledger.remaining),
                        "pending": format_hours(ledger.pending_claims) if ledger.pending_claims else "",
                        "deadline": deadline,
                        "catalogue_url": site_link("activities:catalogue"),
                        "hours_url": site_link("activities:practice_hours", participation.practice_id),
                        "site_url": settings.SITE_URL,
                    }
                    for to in _nudge_recipients(participation):
                        send_templated("activity_nudge", context, to)
                nudged += 1
            except Exception as exc:
                HourNudge.objects.filter(pk=nudge.pk, sent_at=now).update(sent_at=None)
                log.exception("Nudge for participation %s failed; handed back", participation.pk)
                failure = failure or exc
    if failure is not None:
        raise failure
    return nudged
