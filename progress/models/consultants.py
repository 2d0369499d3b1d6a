"""progress/ consultants: the sessions a consultant holds with a participating practice, and the
leaders' raises of a practice's budget of consultant hours (see progress/__init__.py).

The assignment of a consultant to a participation is `applications.Participation.consultant`. The
budget by kind is a round setting (`ProgrammeRound.consultant_hours_medical` / `_process`) plus the
raises kept here; the services refuse a session that would go over it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.cpr import GuardedCharField, GuardedTextField

__all__ = ["ConsultantKind", "ConsultantSession", "ConsultantBudgetRaise"]

NOTE_MAX_LENGTH = 1000


class ConsultantKind(models.TextChoices):
    MEDICAL = "medical", _("Medical consultant")
    PROCESS = "process", _("Process consultant")


def budget_of_round(round_obj, kind: str) -> Decimal:
    """The round's budget of consultant hours per practice for a kind (the one home of that mapping)."""
    if kind == ConsultantKind.MEDICAL:
        return round_obj.consultant_hours_medical
    return round_obj.consultant_hours_process


class ConsultantSession(models.Model):
    """A session a consultant held with a practice: when, how long, which kind of consultant, the topic
    and a short note (shown to the practice, its consultant and the leaders; never to the steering
    group)."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.PROTECT,
        related_name="consultant_sessions",
        verbose_name=_("participation"),
    )
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    kind = models.CharField(_("kind of consultant"), max_length=10, choices=ConsultantKind.choices)
    topic = GuardedCharField(_("topic"), max_length=200)
    note = GuardedTextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical consultant session"))

    class Meta:
        verbose_name = _("consultant session")
        verbose_name_plural = _("consultant sessions")
        ordering = ("-held_on", "-pk")
        indexes = [models.Index(fields=["participation", "kind"], name="consultsession_part_kind")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="consultant_session_hours_positive"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()} ({self.hours} t)"


class ConsultantBudgetRaise(models.Model):
    """A project leader raised one practice's budget of consultant hours of a kind, with a reason."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.PROTECT,
        related_name="consultant_budget_raises",
        verbose_name=_("participation"),
    )
    kind = models.CharField(_("kind of consultant"), max_length=10, choices=ConsultantKind.choices)
    hours = models.DecimalField(
        _("extra hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    reason = GuardedTextField(_("reason"), max_length=NOTE_MAX_LENGTH)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)

    class Meta:
        verbose_name = _("consultant budget raise")
        verbose_name_plural = _("consultant budget raises")
        ordering = ("-raised_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="consultant_budget_raise_positive"),
        ]

    def __str__(self):
        return f"+{self.hours} t {self.get_kind_display()}"
