"""The budget of a round: per line and in total granted, committed, paid and remaining, summed in
the database in one query, and a forecast for the whole round. Committed and paid come from the
expenses; the instalments to the practices add to the practice honoraria line when they land (issue 11,
second half).

The forecast of a line is its paid plus committed for the whole round (whatever the period shown);
the line the practices' honoraria are paid from adds what the practices have earned and not yet in the
budget, and what they can still earn under the caps (`finance.selectors.forecast`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from finance.models import BudgetLine, Expense, ExpenseStatus
from finance.selectors.forecast import StillEarnable, still_earnable
from ligepraksis.money import to_ore

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(status: str, period=None) -> Coalesce:
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
    # the whole round's paid and committed, plus on the honoraria line the practices' earned and still
    # to earn (see the module's docstring)
    forecast: Decimal = ZERO

    @property
    def forecast_over(self) -> bool:
        """The forecast passes the line's grant."""
        return self.forecast > self.granted

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
    earnable: StillEarnable | None = None

    @property
    def total(self) -> LineFigures:
        return LineFigures(
            None,
            "",
            sum((x.granted for x in self.lines), ZERO),
            sum((x.committed for x in self.lines), ZERO),
            sum((x.paid for x in self.lines), ZERO),
            sum((x.forecast for x in self.lines), ZERO),
        )


def budget(
    round_obj, *, period: tuple[dt.date, dt.date] | None = None, today: dt.date | None = None
) -> Budget:
    """The round's lines with their sums (one query); `period`: only expenses dated in it (both ends
    included); the grant is the line's whole grant, the forecast the whole round's (a fixed number of
    queries more, for the practices' earnings; `today` decides the current year's rate)."""
    rows = (
        BudgetLine.objects.filter(round=round_obj)
        .annotate(
            committed=_sum(ExpenseStatus.COMMITTED, period),
            paid=_sum(ExpenseStatus.PAID, period),
            all_used=Coalesce(Sum("expenses__amount"), Value(ZERO), output_field=MONEY),
        )
        .order_by("order", "pk")
    )
    rows = list(rows)
    earnable = still_earnable(round_obj, today=today) if any(r.honoraria for r in rows) else None
    lines = []
    for r in rows:
        forecast = to_ore(r.all_used)  # to the øre: SQLite's sums come back with a float's digits
        if r.honoraria:
            forecast += earnable.earned + earnable.amount
        lines.append(LineFigures(r, r.name, to_ore(r.granted), to_ore(r.committed), to_ore(r.paid), forecast))
    return Budget(round=round_obj, period=period, lines=lines, earnable=earnable)


def round_expenses(round_obj, *, period=None):
    """The round's expenses, newest first (a page of them: `ligepraksis.paging`)."""
    qs = Expense.objects.filter(line__round=round_obj).select_related("line", "created_by")
    if period is not None:
        qs = qs.filter(incurred_on__range=period)
    return qs.order_by("-incurred_on", "-pk")
