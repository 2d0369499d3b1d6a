"""Reads of status reports: per participation (its periods, reports and what is overdue) and in bulk
for other pages (`last_reports`, `overdue_report_counts`, `reports_up_to_date`: the milestone
"status reports up to date", the leaders' dashboard and the consultant's page use them). Every
"overdue" is `ReportSchedule.overdue` (progress/models/reports.py), the one rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from applications.models import Participation
from progress.models.reports import ReportPeriod, ReportSchedule, StatusReport


def _reported_numbers(participation_ids) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for pid, number in StatusReport.objects.filter(participation_id__in=participation_ids).values_list(
        "participation_id", "period_number"
    ):
        out[pid].add(number)
    return out


def _schedules(participation_ids) -> dict[int, ReportSchedule]:
    return {
        p.pk: ReportSchedule.for_participation(p)
        for p in Participation.objects.filter(pk__in=list(participation_ids)).select_related("round")
    }


def last_reports(participation_ids: Iterable[int]) -> dict[int, StatusReport]:
    """Each participation's latest status report (the highest period), in one query."""
    ids = list(participation_ids)
    latest = (
        StatusReport.objects.filter(participation_id=OuterRef("participation_id"))
        .order_by("-period_number")
        .values("pk")[:1]
    )
    rows = StatusReport.objects.filter(participation_id__in=ids, pk=Subquery(latest))
    return {r.participation_id: r for r in rows}


def overdue_report_counts(participation_ids: Iterable[int], today: dt.date) -> dict[int, int]:
    """How many periods each participation has let pass without a report (two queries)."""
    ids = list(participation_ids)
    reported = _reported_numbers(ids)
    return {pid: s.overdue_count(today, reported.get(pid, ())) for pid, s in _schedules(ids).items()}


def reports_up_to_date(participation_ids: Iterable[int], today: dt.date) -> dict[int, bool]:
    """True for a participation with no overdue status report."""
    return {pid: n == 0 for pid, n in overdue_report_counts(participation_ids, today).items()}


@dataclass
class ReportStatus:
    """Where one participation stands with its status reports."""

    participation: Participation
    schedule: ReportSchedule
    overdue: list[ReportPeriod]
    open_periods: list[ReportPeriod]  # begun and not reported: what the practice can file now
    next_due: ReportPeriod | None
    last: StatusReport | None = None

    @property
    def up_to_date(self) -> bool:
        return not self.overdue


def report_status(participation: Participation, today: dt.date) -> ReportStatus:
    schedule = ReportSchedule.for_participation(participation)
    reported = _reported_numbers([participation.pk]).get(participation.pk, set())
    return ReportStatus(
        participation=participation,
        schedule=schedule,
        overdue=schedule.overdue(today, reported),
        open_periods=schedule.open_periods(today, reported),
        next_due=schedule.next_due(today, reported),
    )


def report_statuses(participations, today: dt.date) -> list[ReportStatus]:
    """`report_status` for many participations (their rounds selected) in two more queries."""
    participations = list(participations)
    ids = [p.pk for p in participations]
    reported = _reported_numbers(ids)
    last = last_reports(ids)
    out = []
    for p in participations:
        schedule = ReportSchedule.for_participation(p)
        numbers = reported.get(p.pk, set())
        out.append(
            ReportStatus(
                participation=p,
                schedule=schedule,
                overdue=schedule.overdue(today, numbers),
                open_periods=schedule.open_periods(today, numbers),
                next_due=schedule.next_due(today, numbers),
                last=last.get(p.pk),
            )
        )
    return out


def reports_of(participation: Participation):
    """A participation's reports, newest period first (page them)."""
    return (
        StatusReport.objects.filter(participation=participation)
        .select_related("submitted_by")
        .order_by("-period_number")
    )


def round_participations(round_obj, *, practice_ids=None):
    """The round's active participations by practice name (a consultant's: only `practice_ids`)."""
    qs = Participation.objects.active().filter(round=round_obj).select_related("practice", "round")
    if practice_ids is not None:
        qs = qs.filter(practice_id__in=practice_ids)
    return qs.order_by("practice__name", "pk")


def participations_acting_for(practice_ids, today: dt.date) -> list[ReportStatus]:
    """The start page's: the active participations of the practices someone acts for."""
    qs = (
        Participation.objects.active()
        .filter(practice_id__in=practice_ids)
        .select_related("round", "practice")
        .order_by("-round__year", "practice__name")
    )
    return report_statuses(qs, today)
