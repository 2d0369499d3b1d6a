"""What a round pays for (items with caps) and the entries a practice logs against an item."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.cpr import GuardedTextField
from ligepraksis.validators import validate_programme_date

__all__ = [
    "EntryStatus",
    "ItemKind",
    "PayItem",
    "EarningEntry",
    "MIN_HOURS",
    "MAX_HOURS",
    "MAX_KM",
    "LOGGED_KINDS",
]

MIN_HOURS = Decimal("0.25")
MAX_HOURS = Decimal("24")  # one entry never credits more than a day
MAX_KM = Decimal("500")  # one trip


class ItemKind(models.TextChoices):
    STARTUP = "startup", _("Start-up meeting")
    INSPIRATION = "inspiration", _("Inspiration activities")
    OWN_INTERVENTION = "own_intervention", _("Own intervention")
    EVALUATION = "evaluation", _("Evaluation and knowledge sharing")
    TRANSPORT = "transport", _("Transport")


# The items a practice logs entries against; start-up and inspiration are earned from the ledger.
LOGGED_KINDS = (ItemKind.OWN_INTERVENTION, ItemKind.EVALUATION, ItemKind.TRANSPORT)


class PayItem(models.Model):
    """One thing a round pays for, switched on or off, with its cap.

    The cap means: start-up meeting, hours per coordinator (1.5); inspiration activities, hours per
    practice (empty: the round's hour target); own intervention and evaluation, hours per practice;
    transport, km per practice (empty: no cap beyond 500 km per trip).
    """

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.CASCADE,
        related_name="pay_items",
        verbose_name=_("round"),
    )
    kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    enabled = models.BooleanField(_("paid in this round"), default=True)
    cap = models.DecimalField(
        _("cap (hours, or km for transport)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords(verbose_name=_("historical pay item"))

    class Meta:
        verbose_name = _("paid item")
        verbose_name_plural = _("paid items")
        ordering = ["round", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="finance_payitem_one_per_kind"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="finance_payitem_cap"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.round}"

    @property
    def is_km(self) -> bool:
        return self.kind == ItemKind.TRANSPORT

    def cap_for(self, round_obj=None):
        """The cap per practice (inspiration: the round's hour target when not set)."""
        if self.cap is None and self.kind == ItemKind.INSPIRATION:
            return (round_obj or self.round).hour_target
        return self.cap


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EarningEntry(models.Model):
    """Hours or km a practice logs against an item of its round; counts when a project leader approves."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.PROTECT,
        related_name="earning_entries",
        verbose_name=_("participation"),
    )
    item = models.ForeignKey(
        PayItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("item")
    )
    worked_on = models.DateField(_("date"), validators=[validate_programme_date])
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)],
    )
    km = models.DecimalField(
        _("km"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_KM)],
    )
    description = GuardedTextField(_("what the time was spent on"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = GuardedTextField(_("reason"), max_length=1000, blank=True)
    history = HistoricalRecords(verbose_name=_("historical earnings entry"))

    class Meta:
        verbose_name = _("earnings entry")
        verbose_name_plural = _("earnings entries")
        ordering = ["-worked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(hours__isnull=False) & Q(km__isnull=True))
                | (Q(hours__isnull=True) & Q(km__isnull=False)),
                name="finance_entry_hours_or_km",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gte=MIN_HOURS) & Q(hours__lte=MAX_HOURS)),
                name="finance_entry_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(km__isnull=True) | (Q(km__gte=0) & Q(km__lte=MAX_KM)),
                name="finance_entry_km_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="finance_entry_rejection_reason",
            ),
        ]

    def __str__(self):
        return f"{self.item.get_kind_display()} {self.worked_on}"

    @property
    def quantity(self) -> Decimal:
        return self.hours if self.hours is not None else self.km
