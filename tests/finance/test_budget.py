"""The budget through the services: lines, expenses, the 90 % warning, the overspend reason, who
may enter expenses, the period, and the history of every change."""

import datetime as dt
from decimal import Decimal

import pytest

from finance.models import Expense, ExpenseStatus
from finance.selectors.budget import budget
from finance.services import budget as services
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.conftest import make_user


@pytest.fixture
def keu(closed_round):
    return make_user(role=Role.KEU, region=closed_round.region)


@pytest.fixture
def line(closed_round, leader):
    return services.budget_line_save(
        user=leader, round_obj=closed_round, name="Arrangementer", granted=Decimal("10000")
    )


def spend(user, line, amount, *, status=ExpenseStatus.COMMITTED, reason="", day=dt.date(2026, 3, 1)):
    return services.expense_add(
        user=user,
        line=line,
        description="Lokaleleje til temadag",
        amount=Decimal(amount),
        incurred_on=day,
        status=status,
        overspend_reason=reason,
    )


def test_paid_committed_and_remaining_per_line_and_in_total(closed_round, leader, keu, line):
    other = services.budget_line_save(
        user=leader, round_obj=closed_round, name="Transport", granted=Decimal("500.50")
    )
    spend(keu, line, "2500.25")
    spend(keu, line, "1000", status=ExpenseStatus.PAID)
    spend(leader, other, "100", status=ExpenseStatus.PAID)
    figures = budget(closed_round)
    first, second = figures.lines
    assert (first.granted, first.committed, first.paid, first.remaining) == (
        Decimal("10000.00"),
        Decimal("2500.25"),
        Decimal("1000.00"),
        Decimal("6499.75"),
    )
    assert (second.paid, second.remaining) == (Decimal("100.00"), Decimal("400.50"))
    total = figures.total
    assert (total.granted, total.committed, total.paid, total.remaining) == (
        Decimal("10500.50"),
        Decimal("2500.25"),
        Decimal("1100.00"),
        Decimal("6900.25"),
    )


def test_a_warning_once_paid_and_committed_pass_90_percent(closed_round, keu, line, settings):
    spend(keu, line, "9000")
    assert not budget(closed_round).lines[0].warning  # exactly 90 %
    spend(keu, line, "0.01")
    assert budget(closed_round).lines[0].warning
    settings.FINANCE_BUDGET_WARNING_PERCENT = 95
    assert not budget(closed_round).lines[0].warning


def test_an_expense_that_would_overspend_needs_a_reason(closed_round, keu, line):
    spend(keu, line, "9999")
    with pytest.raises(DomainError) as exc:
        spend(keu, line, "2")
    assert exc.value.code == services.OVERSPEND_REASON_REQUIRED
    assert Expense.objects.count() == 1
    expense = spend(keu, line, "2", reason="Ekstra temadag aftalt med KEU")
    assert expense.overspend_reason == "Ekstra temadag aftalt med KEU"
    assert budget(closed_round).lines[0].over


def test_the_period_counts_only_expenses_dated_in_it(closed_round, keu, line):
    spend(keu, line, "100", day=dt.date(2026, 1, 31))
    spend(keu, line, "200", day=dt.date(2026, 2, 1))
    (row,) = budget(closed_round, period=(dt.date(2026, 2, 1), dt.date(2026, 2, 28))).lines
    assert row.committed == Decimal("200.00")


@pytest.mark.parametrize("role", [Role.STEERING, Role.CONSULTANT, Role.EVALUATOR])
def test_only_leaders_and_the_keu_secretariat_enter_expenses(closed_round, line, role):
    user = make_user(role=role, round=closed_round)
    with pytest.raises(DomainError) as exc:
        spend(user, line, "10")
    assert exc.value.code == services.FORBIDDEN


def test_the_keu_secretariat_of_another_region_cannot_enter_expenses(line):
    from ligepraksis.models import Region

    other = Region.objects.create(name="Region Nordjylland", code="nord")
    with pytest.raises(DomainError):
        spend(make_user(role=Role.KEU, region=other), line, "10")


def test_a_cpr_number_in_an_expense_is_refused(keu, line):
    with pytest.raises(DomainError):
        services.expense_add(
            user=keu,
            line=line,
            description="Refusion 010190-1234",
            amount=Decimal("10"),
            incurred_on=dt.date(2026, 3, 1),
        )
    assert not Expense.objects.exists()


def test_expenses_and_lines_keep_who_when_before_and_after(keu, leader, line):
    expense = spend(keu, line, "10")
    services.expense_mark_paid(user=keu, expense=expense)
    rows = list(expense.history.order_by("history_date"))
    assert [(r.status, r.amount, r.history_user) for r in rows] == [
        (ExpenseStatus.COMMITTED, Decimal("10.00"), keu),
        (ExpenseStatus.PAID, Decimal("10.00"), keu),
    ]
    services.budget_line_save(
        user=leader, round_obj=line.round, name=line.name, granted=Decimal("12000"), line=line
    )
    assert [h.granted for h in line.history.order_by("history_date")] == [
        Decimal("10000.00"),
        Decimal("12000.00"),
    ]
