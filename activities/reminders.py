"""Reminders run by Celery beat: a day before a session, and a nudge to practices under target.

Both mark a row (reminded_at, HourNudge.sent_at: a conditional update that only one run wins) and
write the e-mail to the outbox in the same transaction, so running a sweep twice, or two at once,
writes each mail once; the outbox sends it (ligepraksis/mail.py).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from activities.calendar import calendar_bytes
from activities.models import HourNudge, Registration, RegistrationStatus
from activities.notifications import (
    ICS_NAME,
    ICS_TYPE,
    registration_recipient,
    session_context,
    site_link,
)
from activities.selectors import ledgers
from applications.models import Participation
from ligepraksis import formatting, mail
from ligepraksis.links import site_url
from ligepraksis.models import ProgrammeRound

log = logging.getLogger(__name__)

REMIND_AHEAD = dt.timedelta(hours=24)


def session_reminders_send(*, now=None) -> int:
    """Remind everyone confirmed for a session that starts within the next 24 hours, once: each
    reminder is written to the outbox in the same transaction that sets `reminded_at`.
    Returns how many reminders were written."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        session__cancelled_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMIND_AHEAD,
    ).values_list("pk", flat=True)
    written = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=pk, reminded_at__isnull=True, status=RegistrationStatus.CONFIRMED
            ).update(reminded_at=now)
            if not claimed:
                continue  # another run wrote it
            registration = Registration.objects.select_related(
                "session__activity", "person", "registered_by"
            ).get(pk=pk)
            to = registration_recipient(registration)
            if not to:
                continue  # nobody to tell; leave it marked so it is not tried every hour
            with translation.override(settings.LANGUAGE_CODE):
                session = registration.session
                context = session_context(session) | {
                    "registration": registration,
                    "person": registration.person,
                }
                ics = calendar_bytes([session], session.activity.title, method="PUBLISH", attendee=to)
            written += bool(
                mail.enqueue(
                    to=to,
                    template="activity_reminder",
                    context=context,
                    attachments=[(ICS_NAME, ics, ICS_TYPE)],
                    key=f"reminder:{pk}",
                )
            )
    return written


def nudge_window(round_obj) -> tuple[dt.date, dt.date]:
    """The days on which a practice under target is nudged: nudge_weeks_before weeks up to the
    hour deadline, the deadline included."""
    deadline = round_obj.hour_window()[1]
    return deadline - dt.timedelta(weeks=round_obj.nudge_weeks_before), deadline


def coordinator_addresses(participation) -> list[str]:
    """Where a participation's reminders go: its coordinators' addresses (else the applicant's), each
    once. The hour nudge and progress/'s status-report reminder use it."""
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
    nudged = 0
    for round_obj in ProgrammeRound.objects.all():
        start, deadline = nudge_window(round_obj)
        if not start <= today <= deadline:
            continue
        participations = (
            Participation.objects.active()
            .filter(round=round_obj)
            .exclude(hour_nudge__sent_at__isnull=False)
            .select_related("application__created_by")
        )
        for ledger in ledgers(participations):
            if ledger.done:
                continue
            participation = ledger.participation
            with transaction.atomic():
                nudge, _ = HourNudge.objects.get_or_create(participation=participation)
                if not HourNudge.objects.filter(pk=nudge.pk, sent_at__isnull=True).update(sent_at=now):
                    continue  # already nudged, or another run is at it
                with translation.override(settings.LANGUAGE_CODE):
                    context = {
                        "participation": participation,
                        "practice": participation.practice,
                        "round": round_obj,
                        "ledger": ledger,
                        "done": formatting.hours(ledger.total),
                        "target": formatting.hours_text(ledger.target),
                        "remaining": formatting.hours_text(ledger.remaining),
                        "pending": formatting.hours_text(ledger.pending_claims)
                        if ledger.pending_claims
                        else "",
                        "deadline": deadline,
                        "catalogue_url": site_link("activities:catalogue"),
                        "hours_url": site_link("activities:practice_hours", participation.practice_id),
                        "site_url": site_url(),
                    }
                    for to in coordinator_addresses(participation):
                        mail.enqueue(
                            to=to,
                            template="activity_nudge",
                            context=context,
                            key=f"nudge:{participation.pk}:{to.lower()}",
                        )
                nudged += 1
    return nudged
