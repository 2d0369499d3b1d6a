"""The budget of a round: per line and in total granted, committed, paid and remaining, summed in
the database: committed and paid from the expenses (one query) and from the practices' instalments on
the line each instalment counts on (one grouped query): approved and unpaid is committed, paid is paid.

The forecast of a line is its paid plus committed for the whole round (whatever the period shown);
the line the practices' honoraria are paid from (`BudgetLine.honoraria`) adds what the practices have
earned and is not yet in an approved or paid instalment, and what they can still earn under the caps
(`finance.selectors.forecast`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from finance.models import BudgetLine, Expense, ExpenseStatus, InstalmentStatus, ParticipationInstalment
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


def budget(
    round_obj,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    today: dt.date | None = None,
    forecast: bool = True,
) -> Budget:
    """The round's lines with their sums (expenses, instalments: two queries; a third for the whole
    round's instalments when a period is chosen); `period`: only expenses and instalments dated in it
    (both ends included); the grant is the line's whole grant, the forecast the whole round's (a fixed
    number of queries more, for the practices' earnings; `today` decides the current year's rate).
    `forecast=False` leaves the practices' earnings out of the forecast (a reader that shows granted,
    committed, paid and remaining only, such as the KEU status report, is spared their queries); the
    other figures are the same."""
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
    in_period = instalment_sums(round_obj, period)
    whole = instalment_sums(round_obj, None) if period is not None else in_period
    earnable = still_earnable(round_obj, today=today) if forecast and any(r.honoraria for r in rows) else None
    in_instalments = sum(whole.values(), ZERO)  # earned money already approved or paid to practices
    lines = []
    for r in rows:
        committed = r.committed + in_period.get((r.pk, "committed"), ZERO)
        paid = r.paid + in_period.get((r.pk, "paid"), ZERO)
        used = r.all_used + whole.get((r.pk, "committed"), ZERO) + whole.get((r.pk, "paid"), ZERO)
        line_forecast = to_ore(used)  # to the øre: SQLite's sums come back with a float's digits
        if r.honoraria and earnable is not None:
            line_forecast += max(earnable.earned - in_instalments, ZERO) + earnable.amount
        lines.append(
            LineFigures(r, r.name, to_ore(r.granted), to_ore(committed), to_ore(paid), line_forecast)
        )
    return Budget(round=round_obj, period=period, lines=lines, earnable=earnable)


def round_expenses(round_obj, *, period=None):
    """The round's expenses, newest first (a page of them: `ligepraksis.paging`)."""
    qs = Expense.objects.filter(line__round=round_obj).select_related("line", "created_by")
    if period is not None:
        qs = qs.filter(incurred_on__range=period)
    return qs.order_by("-incurred_on", "-pk")
