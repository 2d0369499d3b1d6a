"""The budget page as a spreadsheet (ligepraksis/exports.py): one row per budget line and a total row,
the same figures as the page (the same selector), as typed cells: amounts are Decimals to the øre (XLSX
number cells formatted #,##0.00), the share a whole number, the period's days date cells."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from finance.selectors.budget import budget
from ligepraksis.exports import Table
from ligepraksis.models import ProgrammeRound

BUDGET = "finance.budget"


def params(round_obj, period) -> dict:
    out = {"round": round_obj.pk}
    if period is not None:
        out["start"], out["end"] = period[0].isoformat(), period[1].isoformat()
    return out


def _period(p: dict):
    if p.get("start") and p.get("end"):
        return dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])
    return None


def header() -> list[str]:
    return [
        _("Budget line"),
        _("Granted (kr.)"),
        _("Committed (kr.)"),
        _("Paid (kr.)"),
        _("Remaining (kr.)"),
        _("Paid and committed (%)"),
        _("Forecast (kr.)"),
        _("Period from"),
        _("Period to"),
    ]


def _rows(figures):
    start, end = figures.period or (None, None)
    for row in [*figures.lines, figures.total]:
        yield [
            row.name or pgettext("budget total", "Total"),
            row.granted,
            row.committed,
            row.paid,
            row.remaining,
            row.percent,
            row.forecast,
            start,
            end,
        ]


def budget_table(p: dict) -> Table:
    round_obj = ProgrammeRound.objects.get(pk=p["round"])
    figures = budget(round_obj, period=_period(p))
    return Table(
        title=_("Budget"),
        header=header(),
        rows=_rows(figures),
        count=lambda: len(figures.lines) + 1,
        basename=f"budget-{round_obj.year}",
    )


def allowed(user, p: dict) -> bool:
    """The round's project leaders and its region's KEU secretariat."""
    from finance.permissions import budget_rounds

    return budget_rounds(user).filter(pk=p.get("round")).exists()


PAYMENTS = "finance.payments"


def payments_header() -> list[str]:
    return [
        _("Practice"),
        _("CVR number"),
        _("Provider numbers"),
        _("Instalment"),
        _("Amount (kr.)"),
        _("Payment text"),
    ]


def payments_table(p: dict) -> Table:
    """The round's approved, unpaid instalments for the region's finance system: the CVR number and
    the provider numbers as text (a leading zero survives), the amount a Decimal (an XLSX number cell
    #,##0.00)."""
    from finance.selectors import payments as selectors
    from ligepraksis.exports import chunk_size

    round_obj = ProgrammeRound.objects.get(pk=p["round"])
    rows = selectors.payable_rows(round_obj)

    def lines():
        for row in rows.iterator(chunk_size=chunk_size()):
            yield [
                row.participation.practice.name,
                row.participation.practice.cvr,
                selectors.provider_numbers(row),
                row.instalment.name,
                row.amount,
                selectors.payment_text(row),
            ]

    return Table(
        title=_("Payment list"),
        header=payments_header(),
        rows=lines(),
        count=rows.count,
        basename=f"betalingsliste-{round_obj.year}",
    )


def payments_allowed(user, p: dict) -> bool:
    """The region's KEU secretariat and the round's project leaders."""
    from finance.permissions import budget_rounds

    return budget_rounds(user).filter(pk=p.get("round")).exists()
