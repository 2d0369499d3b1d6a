"""Status reports: every few months (a round setting) a participating practice says how far it has come,
what troubles it, what support it wants, and how it rates itself (a traffic light).

Periods run from the participation's start (`Participation.accepted_at`, its local date) in steps of
the round's interval; one report per period (a database constraint). `ReportSchedule` is the one
home of the period arithmetic and of the rule "overdue": a period is overdue when it has ended
(today is after its last day) and the practice has no report for it; an ended participation owes
nothing more. Pages, reminders and the selectors all ask the schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.concurrency import Versioned
from ligepraksis.cpr import GuardedTextField
from ligepraksis.models import add_months

DEFAULT_INTERVAL_MONTHS = 2  # seed 003: "at least every second month" (a round with 0 falls back)


def report_interval_months(round_obj) -> int:
    """The round's status-report interval in months (`ProgrammeRound.status_report_interval_months`):
    the ONE place that reads the setting."""
    return round_obj.status_report_interval_months or DEFAULT_INTERVAL_MONTHS


@dataclass(frozen=True)
class ReportPeriod:
    number: int  # 1, 2, ... from the participation's start
    starts_on: dt.date
    ends_on: dt.date  # the last day of the period; the report is due by then

    def has_started(self, today: dt.date) -> bool:
        return self.starts_on <= today

    def has_ended(self, today: dt.date) -> bool:
        return today > self.ends_on


@dataclass(frozen=True)
class ReportSchedule:
    """The reporting periods of one participation."""

    start: dt.date
    interval: int
    active: bool = True

    @classmethod
    def for_participation(cls, participation) -> ReportSchedule:
        return cls(
            start=timezone.localdate(participation.accepted_at),
            interval=report_interval_months(participation.round),
            active=participation.ended_at is None,
        )

    def period(self, number: int) -> ReportPeriod:
        """Period `number` (from 1): always counted from the start, so month ends do not drift
        (start 31 January, monthly: 31 Jan-27 Feb, 28 Feb-30 Mar, 31 Mar-29 Apr, ...)."""
        if number < 1:
            raise ValueError("Periods are numbered from 1.")
        starts = add_months(self.start, (number - 1) * self.interval)
        ends = add_months(self.start, number * self.interval) - dt.timedelta(days=1)
        return ReportPeriod(number, starts, ends)

    def number_on(self, day: dt.date) -> int:
        """The number of the period `day` falls in (0 before the start)."""
        if day < self.start:
            return 0
        months = (day.year - self.start.year) * 12 + day.month - self.start.month
        number = max(months // self.interval, 0) + 1
        while self.period(number).starts_on > day:
            number -= 1
        while self.period(number).ends_on < day:
            number += 1
        return number

    def ended_count(self, today: dt.date) -> int:
        """How many periods have ended by `today` (their last day is before today)."""
        return max(self.number_on(today) - 1, 0) if today >= self.start else 0

    def open_periods(self, today: dt.date, reported) -> list[ReportPeriod]:
        """Periods that have started and have no report yet, oldest first: what can be filed now."""
        if not self.active:
            return []
        reported = set(reported)
        return [self.period(n) for n in range(1, self.number_on(today) + 1) if n not in reported]

    def overdue(self, today: dt.date, reported) -> list[ReportPeriod]:
        """THE rule: periods that have ended without a report (none once the participation ended)."""
        if not self.active:
            return []
        reported = set(reported)
        return [self.period(n) for n in range(1, self.ended_count(today) + 1) if n not in reported]

    def overdue_count(self, today: dt.date, reported) -> int:
        return len(self.overdue(today, reported))

    def next_due(self, today: dt.date, reported) -> ReportPeriod | None:
        """The first period without a report that has not ended: the next report's due date."""
        if not self.active or today < self.start:
            return self.period(1) if self.active else None
        reported = set(reported)
        number = self.number_on(today)
        while number in reported:
            number += 1
        return self.period(number)


class TrafficLight(models.TextChoices):
    GREEN = "green", _("Green: on track")
    YELLOW = "yellow", _("Yellow: some trouble")
    RED = "red", _("Red: we need help")


class StatusReport(Versioned):
    """A practice's status report for one period of its participation."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.PROTECT,
        related_name="status_reports",
        verbose_name=_("participation"),
    )
    period_number = models.PositiveSmallIntegerField(_("period"))
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    progress = GuardedTextField(_("how far the practice has come"), max_length=5000)
    challenges = GuardedTextField(_("challenges"), max_length=5000, blank=True)
    support_wanted = GuardedTextField(_("support wanted"), max_length=3000, blank=True)
    traffic_light = models.CharField(_("self-assessment"), max_length=6, choices=TrafficLight.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("historical status report"))

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["participation_id", "-period_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "period_number"], name="status_report_one_per_period"
            ),
            models.CheckConstraint(condition=Q(period_number__gte=1), name="status_report_period_from_1"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="status_report_period_dates"
            ),
            models.CheckConstraint(
                condition=Q(traffic_light__in=TrafficLight.values), name="status_report_traffic_light"
            ),
        ]

    def __str__(self):
        return f"{self.participation} · {self.period_number}"

    @property
    def period(self) -> ReportPeriod:
        return ReportPeriod(self.period_number, self.period_start, self.period_end)


class StatusReportReminder(models.Model):
    """An overdue period whose reminder is written to the outbox: one row per participation and
    period, made in the same transaction as the outbox message, so a reminder goes out once."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="status_report_reminders",
        verbose_name=_("participation"),
    )
    period_number = models.PositiveSmallIntegerField(_("period"))
    reminded_at = models.DateTimeField(_("reminded"), default=timezone.now)

    class Meta:
        verbose_name = _("status-report reminder")
        verbose_name_plural = _("status-report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "period_number"], name="status_report_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.participation} · {self.period_number}"


__all__ = [
    "DEFAULT_INTERVAL_MONTHS",
    "ReportPeriod",
    "ReportSchedule",
    "StatusReport",
    "StatusReportReminder",
    "TrafficLight",
    "report_interval_months",
]
