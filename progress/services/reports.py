"""Status reports: filing and editing them, and the reminder of an overdue period.

The reminder sweep (`status_report_reminders_send`, run by Celery beat) writes, for each overdue
period that has no reminder yet, the `StatusReportReminder` row and the outbox message in ONE
transaction: the row's unique constraint lets only one run win, so a task that runs twice (or two
at once) mails once, and a worker that dies before the commit leaves neither, for the next run.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from activities.reminders import coordinator_addresses
from applications.models import Participation
from ligepraksis import formatting, mail
from ligepraksis.concurrency import save_versioned
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.links import absolute_url, site_url
from practices.permissions import acts_for
from progress.models.reports import (
    ReportSchedule,
    StatusReport,
    StatusReportReminder,
)

TEXT_FIELDS = ("progress", "challenges", "support_wanted")
ALREADY_REPORTED = _(
    "The practice has already filed a status report for this period (%(start)s-%(end)s). "
    "Open that report to change it."
)


def _already_reported(period) -> DomainError:
    return DomainError(
        ALREADY_REPORTED % {"start": formatting.day(period.starts_on), "end": formatting.day(period.ends_on)},
        field="period",
        code="already_reported",
    )


def status_report_submit(
    *,
    user,
    participation: Participation,
    period_number: int,
    progress: str,
    traffic_light: str,
    challenges: str = "",
    support_wanted: str = "",
    now: dt.datetime | None = None,
) -> StatusReport:
    """File the practice's report for one period that has begun. Refused (nothing saved) for
    someone who does not act for the practice, an ended participation, a period not begun, a
    period already reported, or a text with a CPR number."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not acts_for(user, participation.practice_id):
        raise DomainError(_("Only the practice itself files its status reports."), code="not_practice")
    schedule = ReportSchedule.for_participation(participation)
    if not schedule.active:
        raise DomainError(_("The practice no longer takes part, so it files no status reports."))
    if not isinstance(period_number, int) or period_number < 1:
        raise DomainError(_("Choose the period the report is for."), field="period", code="period")
    period = schedule.period(period_number)
    if not period.has_started(today):
        raise DomainError(
            _("The period %(start)s-%(end)s has not begun yet; report on it when it has.")
            % {"start": formatting.day(period.starts_on), "end": formatting.day(period.ends_on)},
            field="period",
            code="period_not_begun",
        )
    report = StatusReport(
        participation=participation,
        period_number=period.number,
        period_start=period.starts_on,
        period_end=period.ends_on,
        progress=progress,
        challenges=challenges,
        support_wanted=support_wanted,
        traffic_light=traffic_light,
        submitted_by=user,
        submitted_at=now,
    )
    # The CPR guard and the choices first, then the one-per-period rule (read and constraint).
    validate_or_refuse(report, exclude=["participation", "submitted_by"])
    if StatusReport.objects.filter(participation=participation, period_number=period.number).exists():
        raise _already_reported(period)
    report._history_user = user  # the audit history names who filed it, also outside a request
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # two saves at once: the constraint decides
        if StatusReport.objects.filter(participation=participation, period_number=period.number).exists():
            raise _already_reported(period) from exc
        raise
    return report


def status_report_update(*, user, report: StatusReport, version: int | None, **changes) -> StatusReport:
    """Change a report's texts or traffic light; the second of two people saving the same version is
    told it changed (ligepraksis.concurrency) and nothing of theirs is saved."""
    if not acts_for(user, report.participation.practice_id):
        raise DomainError(_("Only the practice itself changes its status reports."), code="not_practice")
    unknown = set(changes) - {*TEXT_FIELDS, "traffic_light"}
    if unknown:
        raise ValueError(f"Not a changeable field of a status report: {sorted(unknown)}")
    # `_history_user` is not a field: it tells the audit history who changed it, also outside a request.
    return save_versioned(
        report,
        version=version,
        changes={**changes, "_history_user": user},
        exclude=["participation", "submitted_by"],
    )


# --- Reminders ---------------------------------------------------------------------------------------


def _remind(participation: Participation, period, now) -> bool:
    """Mark the period reminded and write its mail, in one transaction; False if already done."""
    try:
        with transaction.atomic():
            if StatusReport.objects.filter(participation=participation, period_number=period.number).exists():
                return False  # filed since the sweep began: nothing to remind of
            StatusReportReminder.objects.create(
                participation=participation, period_number=period.number, reminded_at=now
            )
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "participation": participation,
                    "practice": participation.practice,
                    "round": participation.round,
                    "period": period,
                    "start": formatting.day(period.starts_on),
                    "end": formatting.day(period.ends_on),
                    "reports_url": absolute_url("progress:reports", pk=participation.pk),
                    "site_url": site_url(),
                }
                for to in coordinator_addresses(participation):
                    mail.enqueue(
                        to=to,
                        template="progress_report_overdue",
                        context=context,
                        key=f"status-report:{participation.pk}:{period.number}:{to.lower()}",
                    )
    except IntegrityError:
        return False  # another run reminded it
    return True


def status_report_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind each active participation of each overdue period once. Returns how many periods were
    reminded now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    participations = (
        Participation.objects.active()
        .select_related(
            "round",
            "practice",
            "application__created_by",
            "application__doctor_coordinator",
            "application__staff_coordinator",
        )
        .order_by("pk")
    )
    reported: dict[int, set[int]] = {}
    for pid, number in StatusReport.objects.filter(participation__ended_at__isnull=True).values_list(
        "participation_id", "period_number"
    ):
        reported.setdefault(pid, set()).add(number)
    reminded: dict[int, set[int]] = {}
    for pid, number in StatusReportReminder.objects.filter(participation__ended_at__isnull=True).values_list(
        "participation_id", "period_number"
    ):
        reminded.setdefault(pid, set()).add(number)
    sent = 0
    for participation in participations.iterator(chunk_size=500):
        schedule = ReportSchedule.for_participation(participation)
        for period in schedule.overdue(today, reported.get(participation.pk, ())):
            if period.number in reminded.get(participation.pk, ()):
                continue
            sent += _remind(participation, period, now)
    return sent


def status_reminders_mark_sent(*, participations, now: dt.datetime | None = None) -> int:
    """Count every overdue period of these participations as reminded without mailing (demo and
    generated data, whose addresses are invented). Returns how many were marked."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = []
    for participation in participations:
        schedule = ReportSchedule.for_participation(participation)
        reported = set(participation.status_reports.values_list("period_number", flat=True))
        rows += [
            StatusReportReminder(participation=participation, period_number=p.number, reminded_at=now)
            for p in schedule.overdue(today, reported)
        ]
    StatusReportReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
