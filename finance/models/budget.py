"""The round's grant from KEU split into budget lines (data), and the expenses entered against them."""

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
from ligepraksis.validators import validate_programme_date

__all__ = ["BudgetLine", "Expense", "ExpenseStatus"]


class BudgetLine(models.Model):
    """One line of the round's KEU grant (coordination, facilitation and consultants, evaluation, ...);
    the grant is the sum of its lines."""

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("round"),
    )
    name = GuardedCharField(_("name"), max_length=150)
    granted = models.DecimalField(
        _("granted (kr.)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    honoraria = models.BooleanField(
        _("the practices' honoraria are paid from this line"),
        default=False,
        help_text=_("At most one line of a round; its forecast includes what the practices can still earn."),
    )
    history = HistoricalRecords(verbose_name=_("historical budget line"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="finance_budgetline_unique_name"),
            models.CheckConstraint(condition=Q(granted__gte=0), name="finance_budgetline_granted"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(honoraria=True), name="finance_budgetline_one_honoraria_line"
            ),
        ]

    def __str__(self):
        return self.name


class ExpenseStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    PAID = "paid", _("Paid")


class Expense(models.Model):
    """An expense other than the practices' honoraria, against a budget line: committed, or paid."""

    line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("budget line")
    )
    description = GuardedTextField(_("description"), max_length=1000)
    amount = models.DecimalField(
        _("amount (kr.)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.COMMITTED
    )
    incurred_on = models.DateField(_("date"), validators=[validate_programme_date])
    overspend_reason = GuardedTextField(_("reason for exceeding the line"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("historical expense"))

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-incurred_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_expense_positive")]

    def __str__(self):
        return f"{self.line} · {self.amount}"
