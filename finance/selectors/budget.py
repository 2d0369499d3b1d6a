"""The budget of a round: per line and in total granted, committed, paid and remaining, summed in
the database. Committed and paid come from the expenses (one query) and from the practices' instalments
on the line each instalment counts on (one grouped query): approved and unpaid is committed, paid is
paid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from finance.models import BudgetLine, Expense, ExpenseStatus, InstalmentStatus, ParticipationInstalment
from ligepraksis.money import to_ore

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(status: str, period) -> Coalesce:
    q = Q(expenses__status=status)
    if period is not None:
        q &= Q(expenses__incurred_on__range=period)
    return Coalesce(Sum("expenses__amount", filter=q), Value(ZERO), output_field=MONEY)


@dataclass
class LineFigures:
    line: BudgetLine | None
    name: str
    granted: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def used(self) -> Decimal:
        return self.paid + self.committed

    @property
    def remaining(self) -> Decimal:
        return self.granted - self.used

    @property
    def percent(self) -> int:
        """Paid plus committed as a share of the grant, in whole per cent (a line with no grant and
        spending counts as over 100)."""
        if not self.granted:
            return 100 if self.used else 0
        return int(self.used * 100 / self.granted)

    @property
    def warning(self) -> bool:
        """Paid plus committed has passed the warning share (a setting, 90 % by default)."""
        threshold = Decimal(settings.FINANCE_BUDGET_WARNING_PERCENT) / 100
        return self.used > self.granted * threshold if self.granted else self.used > 0

    @property
    def over(self) -> bool:
        return self.used > self.granted


@dataclass
class Budget:
    round: object
    period: tuple[dt.date, dt.date] | None
    lines: list[LineFigures] = field(default_factory=list)

    @property
    def total(self) -> LineFigures:
        return LineFigures(
            None,
            "",
            sum((x.granted for x in self.lines), ZERO),
            sum((x.committed for x in self.lines), ZERO),
            sum((x.paid for x in self.lines), ZERO),
        )


def instalment_sums(round_obj, period) -> dict[tuple[int, str], Decimal]:
    """(budget line id, "committed" | "paid") -> the sum of the round's instalments on that line, in one
    grouped query: approved and unpaid (dated by the approval) and paid (dated by the payment)."""
    committed = Q(status=InstalmentStatus.APPROVED)
    paid = Q(status=InstalmentStatus.PAID)
    if period is not None:
        committed &= Q(approved_at__date__range=period)
        paid &= Q(paid_on__range=period)
    rows = (
        ParticipationInstalment.objects.filter(
            instalment__round=round_obj, instalment__budget_line__isnull=False
        )
        .values("instalment__budget_line")
        .annotate(
            committed=Coalesce(Sum("amount", filter=committed), Value(ZERO), output_field=MONEY),
            paid=Coalesce(Sum("amount", filter=paid), Value(ZERO), output_field=MONEY),
        )
        .order_by()
    )
    out: dict[tuple[int, str], Decimal] = {}
    for r in rows:
        out[(r["instalment__budget_line"], "committed")] = r["committed"]
        out[(r["instalment__budget_line"], "paid")] = r["paid"]
    return out


def budget(round_obj, *, period: tuple[dt.date, dt.date] | None = None) -> Budget:
    """The round's lines with their sums (two queries: expenses, instalments); `period`: only expenses
    and instalments dated in it (both ends included); the grant is the line's whole grant."""
    rows = (
        BudgetLine.objects.filter(round=round_obj)
        .annotate(committed=_sum(ExpenseStatus.COMMITTED, period), paid=_sum(ExpenseStatus.PAID, period))
        .order_by("order", "pk")
    )
    honoraria = instalment_sums(round_obj, period)
    return Budget(
        round=round_obj,
        period=period,
        # to the øre: SQLite's sums come back with a float's digits
        lines=[
            LineFigures(
                r,
                r.name,
                to_ore(r.granted),
                to_ore(r.committed + honoraria.get((r.pk, "committed"), ZERO)),
                to_ore(r.paid + honoraria.get((r.pk, "paid"), ZERO)),
            )
            for r in rows
        ],
    )


def round_expenses(round_obj, *, period=None):
    """The round's expenses, newest first (a page of them: `ligepraksis.paging`)."""
    qs = Expense.objects.filter(line__round=round_obj).select_related("line", "created_by")
    if period is not None:
        qs = qs.filter(incurred_on__range=period)
    return qs.order_by("-incurred_on", "-pk")
