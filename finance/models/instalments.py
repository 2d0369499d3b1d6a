"""Instalments (rater): the round's instalments, each opened by milestones (data), and each
participation's instalment with its decision (approved, withheld), its fixed amount and its payment;
corrections (new entries that reverse or add, never an edit of a paid amount) and payment batches."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.cpr import GuardedCharField, GuardedTextField
from ligepraksis.validators import validate_programme_date
from progress.models import MilestoneKind

__all__ = [
    "Instalment",
    "InstalmentStatus",
    "MoneyCorrection",
    "PaymentBatch",
    "ParticipationInstalment",
]


def validate_milestone_kinds(value) -> None:
    if not isinstance(value, list) or any(v not in MilestoneKind.values for v in value):
        raise ValidationError(_("Choose milestone kinds from the list."), code="milestone_kinds")


class Instalment(models.Model):
    """One instalment of a round (default three), opened for a practice once the milestones of the
    listed kinds are done. The round's last instalment is the final settlement."""

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.CASCADE,
        related_name="instalments",
        verbose_name=_("round"),
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = GuardedCharField(_("name"), max_length=120)
    milestone_kinds = models.JSONField(
        _("milestones that open it"), default=list, blank=True, validators=[validate_milestone_kinds]
    )
    budget_line = models.ForeignKey(
        "finance.BudgetLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instalments",
        verbose_name=_("budget line"),
    )
    history = HistoricalRecords(verbose_name=_("historical instalment"))

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="finance_instalment_unique_number"),
        ]

    def __str__(self):
        return self.name


class InstalmentStatus(models.TextChoices):
    OPEN = "open", _("No decision")
    WITHHELD = "withheld", _("Withheld")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class PaymentBatch(models.Model):
    """Instalments the KEU secretariat marked paid together, under the finance system's reference."""

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="payment_batches",
        verbose_name=_("round"),
    )
    reference = GuardedCharField(_("payment reference"), max_length=60)
    paid_on = models.DateField(_("paid on"), validators=[validate_programme_date])
    total = models.DecimalField(_("total (kr.)"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("historical payment batch"))

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="finance_paymentbatch_unique_reference"),
        ]

    def __str__(self):
        return self.reference


class ParticipationInstalment(models.Model):
    """A participation's instalment once a leader has acted on it (no row: no decision yet; whether
    it is open is read from the milestones). The amount is counted when it is approved and fixed from
    then on; a paid row is never edited or deleted."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.PROTECT,
        related_name="instalments",
        verbose_name=_("participation"),
    )
    instalment = models.ForeignKey(
        Instalment, on_delete=models.PROTECT, related_name="rows", verbose_name=_("instalment")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.OPEN
    )
    amount = models.DecimalField(
        _("amount (kr.)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    withheld_reason = GuardedTextField(_("reason for withholding"), max_length=1000, blank=True)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withheld by"),
    )
    withheld_at = models.DateTimeField(_("withheld"), null=True, blank=True)
    release_reason = GuardedTextField(_("reason for releasing"), max_length=1000, blank=True)
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rows",
        verbose_name=_("payment batch"),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("historical participation instalment"))

    class Meta:
        verbose_name = _("practice instalment")
        verbose_name_plural = _("practice instalments")
        ordering = ["participation", "instalment__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "instalment"], name="finance_partinstalment_one_per_instalment"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="finance_partinstalment_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"]) | Q(amount__isnull=False),
                name="finance_partinstalment_approved_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(batch__isnull=False) & Q(paid_on__isnull=False)),
                name="finance_partinstalment_paid_batch",
            ),
            models.CheckConstraint(
                condition=~Q(status="withheld") | ~Q(withheld_reason=""),
                name="finance_partinstalment_withheld_reason",
            ),
        ]

    def __str__(self):
        return f"{self.instalment} · {self.participation}"

    def save(self, *args, **kwargs):
        """A paid instalment is never changed (a correction is a new entry)."""
        if self.pk:
            stored = ParticipationInstalment.objects.filter(pk=self.pk).values("status", "amount").first()
            if stored and stored["status"] == InstalmentStatus.PAID:
                from ligepraksis.errors import DomainError

                raise DomainError(
                    _("A paid amount is never changed: enter a correction instead."), code="paid_fixed"
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == InstalmentStatus.PAID or (
            self.pk
            and ParticipationInstalment.objects.filter(pk=self.pk, status=InstalmentStatus.PAID).exists()
        ):
            from ligepraksis.errors import DomainError

            raise DomainError(_("A paid amount is never deleted."), code="paid_fixed")
        return super().delete(*args, **kwargs)


class MoneyCorrection(models.Model):
    """A correction to a practice's money: a new entry that adds (positive) or reverses (negative),
    with a reason; it counts in the next instalment approved (or the final settlement)."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.PROTECT,
        related_name="money_corrections",
        verbose_name=_("participation"),
    )
    amount = models.DecimalField(_("amount (kr.)"), max_digits=12, decimal_places=2)
    reason = GuardedTextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("historical money correction"))

    class Meta:
        verbose_name = _("money correction")
        verbose_name_plural = _("money corrections")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="finance_correction_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="finance_correction_reason"),
        ]

    def __str__(self):
        return f"{self.participation} · {self.amount}"
