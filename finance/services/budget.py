"""Writes for the budget lines of the KEU grant and the expenses against them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finance import permissions
from finance.models import BudgetLine, Expense, ExpenseStatus
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.money import format_kr, to_ore

FORBIDDEN = "forbidden"
OVERSPEND_REASON_REQUIRED = "overspend_reason_required"
NOT_POSITIVE = "not_positive"
HONORARIA_LINE_TAKEN = "honoraria_line_taken"

# The lines of a round's grant unless its leaders change them (the list; the lines are data).
# The practices' honoraria are paid from HONORARIA_LINE.
DEFAULT_LINES = (
    _("Coordination"),
    _("Facilitation and consultants"),
    _("Evaluation"),
    _("Events"),
    _("Practice honoraria"),
    _("Transport"),
    _("Material and dissemination"),
)
HONORARIA_LINE = DEFAULT_LINES[4]


def _require_keeper(user, round_obj) -> None:
    if not permissions.can_keep_budget(user, round_obj):
        raise DomainError(_("You cannot change this round's budget."), code=FORBIDDEN)


@transaction.atomic
def budget_line_save(
    *,
    user,
    round_obj,
    name: str,
    granted: Decimal,
    order: int = 0,
    honoraria: bool = False,
    line=None,
) -> BudgetLine:
    """Create or change a budget line (project leaders of the round, the region's KEU secretariat).
    `honoraria`: the practices' honoraria are paid from this line (at most one line of a round)."""
    _require_keeper(user, round_obj)
    if line is None:
        line = BudgetLine(round=round_obj)
    else:
        line = BudgetLine.objects.select_for_update().get(pk=line.pk, round=round_obj)
    if honoraria:
        taken = (
            BudgetLine.objects.select_for_update()
            .filter(round=round_obj, honoraria=True)
            .exclude(pk=line.pk)
            .first()
        )
        if taken is not None:
            raise DomainError(
                _("The practices' honoraria are already paid from the line %(line)s.") % {"line": taken.name},
                field="honoraria",
                code=HONORARIA_LINE_TAKEN,
            )
    line.name, line.granted, line.order, line.honoraria = name, to_ore(granted), order, honoraria
    validate_or_refuse(line)
    line._history_user = user  # who, also outside a request (commands, tasks)
    line.save()
    return line


def _spent(line: BudgetLine) -> Decimal:
    return line.expenses.aggregate(s=Sum("amount"))["s"] or Decimal("0")


@transaction.atomic
def expense_add(
    *,
    user,
    line: BudgetLine,
    description: str,
    amount: Decimal,
    incurred_on: dt.date,
    status: str = ExpenseStatus.COMMITTED,
    overspend_reason: str = "",
    now=None,
) -> Expense:
    """Enter an expense against a line. One that takes paid plus committed past the line's grant needs
    a reason (it is kept with the expense)."""
    line = BudgetLine.objects.select_for_update().select_related("round").get(pk=line.pk)
    _require_keeper(user, line.round)
    amount = to_ore(amount)
    if amount <= 0:
        raise DomainError(_("An expense is a positive amount."), field="amount", code=NOT_POSITIVE)
    overspend_reason = (overspend_reason or "").strip()
    after = _spent(line) + amount
    if after > line.granted and not overspend_reason:
        raise DomainError(
            _(
                "This expense takes the line %(line)s to %(after)s, over its grant of %(granted)s: "
                "give a reason for exceeding it."
            )
            % {"line": line.name, "after": format_kr(after), "granted": format_kr(line.granted)},
            field="overspend_reason",
            code=OVERSPEND_REASON_REQUIRED,
        )
    expense = Expense(
        line=line,
        description=description,
        amount=amount,
        incurred_on=incurred_on,
        status=status,
        overspend_reason=overspend_reason,
        created_by=user,
        created_at=now or timezone.now(),
    )
    validate_or_refuse(expense)
    expense._history_user = user
    expense.save()
    return expense


@transaction.atomic
def expense_mark_paid(*, user, expense: Expense) -> Expense:
    """A committed expense is paid (its amount never changes)."""
    expense = Expense.objects.select_for_update().select_related("line__round").get(pk=expense.pk)
    _require_keeper(user, expense.line.round)
    if expense.status != ExpenseStatus.PAID:
        expense.status = ExpenseStatus.PAID
        expense._history_user = user
        expense.save(update_fields=["status"])
    return expense


def budget_lines_ensure(*, user, round_obj) -> list[BudgetLine]:
    """The default lines (granted 0) where the round has none yet."""
    if not BudgetLine.objects.filter(round=round_obj).exists():
        for order, name in enumerate(DEFAULT_LINES, start=1):
            budget_line_save(
                user=user,
                round_obj=round_obj,
                name=str(name),
                granted=Decimal("0"),
                order=order,
                honoraria=name is HONORARIA_LINE,
            )
    return list(BudgetLine.objects.filter(round=round_obj))
