"""A round's milestone template (data, editable per round) and each participation's milestones.

One rule decides "overdue": `MilestoneQuerySet.overdue(today)` in SQL and `Milestone.is_overdue(today)`
for one row; both read the due date the same way (`MilestoneTemplate.due_on`: the hour target's is the
round's hour deadline, read from the round, never copied; every other milestone's is its own date).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.cpr import GuardedCharField, GuardedTextField

__all__ = [
    "DEFAULT_TEMPLATE",
    "ClosedBy",
    "Milestone",
    "MilestoneKind",
    "MilestoneQuerySet",
    "MilestoneState",
    "MilestoneTemplate",
    "default_due_date",
]


class MilestoneKind(models.TextChoices):
    STARTUP = "startup", _("Start-up meeting")
    HOURS = "hours", _("Hour target")
    CLINIC_MODULE = "clinic_module", _("Clinic module held")
    FOLLOWUP = "followup", _("Follow-up meeting held")
    INTERVENTION = "intervention", _("Own intervention under way")
    STATUS_REPORTS = "status_reports", _("Status reports up to date")
    EVALUATION = "evaluation", _("Evaluation contributions")
    KNOWLEDGE_SHARING = "knowledge_sharing", _("Knowledge sharing")
    OTHER = "other", _("Other")


class ClosedBy(models.TextChoices):
    """How a milestone closes: from which data (it closes itself), or by a project leader's hand."""

    ATTENDANCE = "attendance", _("both coordinators attended the start-up meeting")
    HOURS_LEDGER = "hours_ledger", _("the hours ledger reached the target")
    CLINIC_MODULE = "clinic_module", _("the clinic module is recorded")
    FOLLOWUP = "followup", _("the follow-up meeting is recorded")
    PDSA = "pdsa", _("a PDSA cycle of the own intervention is recorded")
    MANUAL = "manual", _("a project leader closes it")


class MilestoneState(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    OVERDUE = "overdue", _("overdue")


def _last_day_of_february(year: int) -> dt.date:
    return dt.date(year, 3, 1) - dt.timedelta(days=1)


def default_due_date(kind: str, year: int) -> dt.date | None:
    """The last day of the milestone's period in the programme timeline (DOMAIN.md): spring-summer ->
    31 August, autumn -> 30 November, January-February -> the end of February of the next year. The
    hour target has none of its own (it reads the round's hour deadline)."""
    if kind == MilestoneKind.HOURS:
        return None
    if kind in (MilestoneKind.EVALUATION, MilestoneKind.KNOWLEDGE_SHARING):
        return dt.date(year, 11, 30)
    if kind == MilestoneKind.STATUS_REPORTS:
        return _last_day_of_february(year + 1)
    return dt.date(year, 8, 31)


# The default template of a round: (kind, how it closes), in order.
DEFAULT_TEMPLATE = (
    (MilestoneKind.STARTUP, ClosedBy.ATTENDANCE),
    (MilestoneKind.HOURS, ClosedBy.HOURS_LEDGER),
    (MilestoneKind.CLINIC_MODULE, ClosedBy.CLINIC_MODULE),
    (MilestoneKind.FOLLOWUP, ClosedBy.FOLLOWUP),
    (MilestoneKind.INTERVENTION, ClosedBy.PDSA),
    (MilestoneKind.STATUS_REPORTS, ClosedBy.MANUAL),
    (MilestoneKind.EVALUATION, ClosedBy.MANUAL),
    (MilestoneKind.KNOWLEDGE_SHARING, ClosedBy.MANUAL),
)


class MilestoneTemplate(models.Model):
    """One milestone of a round's template: every participation of the round gets one of each."""

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.CASCADE,
        related_name="milestone_templates",
        verbose_name=_("round"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MilestoneKind.choices)
    name = GuardedCharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_("Empty for the hour target: its due date is the round's hour deadline."),
    )
    closes_by = models.CharField(
        _("closes by"), max_length=20, choices=ClosedBy.choices, default=ClosedBy.MANUAL
    )

    class Meta:
        verbose_name = _("milestone of the template")
        verbose_name_plural = _("milestone template")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"], condition=~Q(kind="other"), name="one_milestone_kind_per_round"
            ),
            # The hour target's due date is read from the round; every other milestone has its own.
            models.CheckConstraint(
                condition=(Q(closes_by="hours_ledger") & Q(due_date__isnull=True))
                | (~Q(closes_by="hours_ledger") & Q(due_date__isnull=False)),
                name="milestone_due_date_or_hour_deadline",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def reads_hour_deadline(self) -> bool:
        return self.closes_by == ClosedBy.HOURS_LEDGER

    @property
    def due_on(self) -> dt.date:
        """The due date: the round's hour deadline for the hour target, else the template's own."""
        if self.reads_hour_deadline:
            return self.round.hour_window()[1]
        return self.due_date

    @property
    def closes_by_data(self) -> bool:
        return self.closes_by != ClosedBy.MANUAL


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, today: dt.date):
        """THE rule for "overdue" (with `Milestone.is_overdue`): not done, and its due date
        (`MilestoneTemplate.due_on`) is before today. The hour target's due date is the round's
        `hour_window_end`, or the 31 December of the round's year when that is empty."""
        hours = Q(template__closes_by=ClosedBy.HOURS_LEDGER)
        rnd = "participation__round__"
        due_before = (~hours & Q(template__due_date__lt=today)) | (
            hours
            & (
                Q(**{f"{rnd}hour_window_end__lt": today})
                | Q(**{f"{rnd}hour_window_end__isnull": True, f"{rnd}year__lt": today.year})
            )
        )
        return self.open().filter(due_before)

    def of_active_participations(self):
        return self.filter(participation__ended_at__isnull=True)


class Milestone(models.Model):
    """A participation's milestone. Done once `closed_at` is set: by its data (`closed_by`, a
    ClosedBy value with `evidence` saying what closed it) or by a project leader with a reason.
    A milestone closed by data stays closed when the data later changes; only a leader reopens it."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("participation"),
    )
    template = models.ForeignKey(
        MilestoneTemplate, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("milestone")
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("done"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=20, choices=ClosedBy.choices, blank=True)
    evidence = GuardedCharField(_("what closed it"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by hand by"),
    )
    reason = GuardedTextField(_("reason for the change by hand"), max_length=2000, blank=True)
    history = HistoricalRecords(verbose_name=_("milestone history"))

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["template__order", "template_id"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "template"], name="one_milestone_per_template"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closed_by=""), name="closed_milestone_says_how"
            ),
        ]

    def __str__(self):
        return f"{self.template} · {self.participation}"

    @property
    def due_on(self) -> dt.date:
        return self.template.due_on

    @property
    def is_done(self) -> bool:
        return self.closed_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """The one-row form of `MilestoneQuerySet.overdue`."""
        today = today or timezone.localdate()
        return not self.is_done and self.due_on < today

    def state(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.is_done:
            return MilestoneState.DONE
        if self.is_overdue(today):
            return MilestoneState.OVERDUE
        if self.started_at is not None:
            return MilestoneState.IN_PROGRESS
        return MilestoneState.NOT_STARTED

    def state_label(self, today: dt.date | None = None) -> str:
        return MilestoneState(self.state(today)).label

    @property
    def closed_by_hand(self) -> bool:
        return self.closed_by == ClosedBy.MANUAL
