"""The budget's forecast: paid plus committed plus, on the line the practices' honoraria are paid from,
what the practices have earned (not yet in the budget) and what they can still earn under the caps at
the current year's rate; a warning with text when a line's forecast passes its grant."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import ExpenseStatus, ItemKind, PayItem
from finance.selectors.budget import budget
from finance.selectors.forecast import still_earnable
from finance.services import budget as budget_services
from finance.services import earnings as services
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.activities.service_factories import render_counted
from tests.conftest import make_round, make_user
from tests.finance.factories import item, paying_participation, rates
from tests.helpers import login

# The default items of a round with the hour target 10: the start-up meeting 1.5 h for each of the
# two coordinators, the inspiration activities 10 h, the own intervention 20 h: 33 h.
FULL = Decimal("33") * Decimal("1098.80")  # 36,260.40 kr.
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def keu(closed_round):
    return make_user(role=Role.KEU, region=closed_round.region)


def _own_hours(participation, puser, leader, hours, *, approve=True, day=dt.date(2026, 3, 1)):
    entry = services.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION),
        worked_on=day,
        hours=Decimal(hours),
        description="Møde om indsatsen",
    )
    if approve:
        services.entry_decide(user=leader, entry=entry, approve=True)
    return entry


def test_a_practice_with_nothing_earned_can_still_earn_every_cap(closed_round, leader):
    paying_participation(closed_round, leader)
    result = still_earnable(closed_round, today=TODAY)
    assert result.amount == FULL == Decimal("36260.40")
    assert result.earned == 0


def test_what_is_earned_moves_from_still_to_earn_to_earned(closed_round, leader):
    participation, puser = paying_participation(closed_round, leader)
    _own_hours(participation, puser, leader, "5")
    _own_hours(participation, puser, leader, "2", approve=False)  # pending: not earned yet
    result = still_earnable(closed_round, today=TODAY)
    assert result.amount == Decimal("28") * Decimal("1098.80")
    assert result.earned == Decimal("5494.00")
    assert result.earned + result.amount == FULL


def test_still_to_earn_is_never_negative_and_sums_over_practices(closed_round, leader):
    first, puser = paying_participation(closed_round, leader)
    paying_participation(closed_round, leader)
    _own_hours(first, puser, leader, "6")
    own = PayItem.objects.get(round=closed_round, kind=ItemKind.OWN_INTERVENTION)
    own.cap = Decimal("4")  # lowered below what is approved (outside the service): the rest is 0
    own.save()
    result = still_earnable(closed_round, today=TODAY)
    # first: 3 + 10 + 0; second: 3 + 10 + 4
    assert result.amount == Decimal("30") * Decimal("1098.80")


def test_still_to_earn_is_at_the_current_years_rate(closed_round, leader):
    paying_participation(closed_round, leader)
    rates(closed_round.region, year=2027, hourly=Decimal("1120.00"))
    assert still_earnable(closed_round, today=dt.date(2027, 2, 1)).amount == Decimal("33") * Decimal("1120")
    # a year without its rate yet: the latest earlier year's
    assert still_earnable(closed_round, today=dt.date(2028, 2, 1)).amount == Decimal("33") * Decimal("1120")


def test_an_item_without_a_cap_is_named_not_forecast(closed_round, leader):
    paying_participation(closed_round, leader)
    item(closed_round, ItemKind.TRANSPORT, enabled=True, cap=None)
    result = still_earnable(closed_round, today=TODAY)
    assert result.amount == FULL
    assert [i.kind for i in result.uncapped] == [ItemKind.TRANSPORT]
    item(closed_round, ItemKind.TRANSPORT, enabled=True, cap="100")  # 100 km at 3.94
    assert still_earnable(closed_round, today=TODAY).amount == FULL + Decimal("394.00")


def _lines(round_obj, leader, keu):
    honoraria = budget_services.budget_line_save(
        user=leader, round_obj=round_obj, name="Praksishonorarer", granted=Decimal("40000"), honoraria=True
    )
    events = budget_services.budget_line_save(
        user=leader, round_obj=round_obj, name="Arrangementer", granted=Decimal("1000"), order=2
    )
    for line, amount, status in (
        (honoraria, "100", ExpenseStatus.PAID),
        (events, "250", ExpenseStatus.COMMITTED),
    ):
        budget_services.expense_add(
            user=keu,
            line=line,
            description="Udgift",
            amount=Decimal(amount),
            incurred_on=dt.date(2026, 3, 1),
            status=status,
        )
    return honoraria, events


def test_the_forecast_per_line_and_in_total(closed_round, leader, keu):
    participation, puser = paying_participation(closed_round, leader)
    _own_hours(participation, puser, leader, "5")
    _lines(closed_round, leader, keu)
    figures = budget(closed_round, today=TODAY)
    honoraria, events = figures.lines
    assert honoraria.forecast == Decimal("100") + FULL  # paid + earned + still to earn
    assert events.forecast == Decimal("250.00")
    assert figures.total.forecast == Decimal("350") + FULL
    assert not honoraria.forecast_over
    # the forecast covers the whole round, whatever the period shown
    period = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert budget(closed_round, period=period, today=TODAY).lines[0].forecast == honoraria.forecast


def test_only_one_line_holds_the_practices_honoraria(closed_round, leader, keu):
    _lines(closed_round, leader, keu)
    with pytest.raises(DomainError) as exc:
        budget_services.budget_line_save(
            user=leader, round_obj=closed_round, name="Honorarer 2", granted=Decimal("1"), honoraria=True
        )
    assert exc.value.code == budget_services.HONORARIA_LINE_TAKEN
    assert closed_round.budget_lines.count() == 2


def test_the_default_lines_pay_the_honoraria_from_their_line(closed_round, leader):
    lines = budget_services.budget_lines_ensure(user=leader, round_obj=closed_round)
    assert [line.honoraria for line in lines].count(True) == 1


def test_a_forecast_above_the_grant_shows_a_warning_with_text(client, closed_round, leader, keu):
    paying_participation(closed_round, leader)
    honoraria, _events = _lines(closed_round, leader, keu)
    budget_services.budget_line_save(
        user=leader,
        round_obj=closed_round,
        name=honoraria.name,
        granted=Decimal("30000"),
        line=honoraria,
        honoraria=True,
    )
    assert budget(closed_round).lines[0].forecast_over
    html = login(client, keu).get(reverse("finance:budget", args=[closed_round.pk])).content.decode()
    assert html.count('data-testid="forecast-warning"') == 1
    assert "Prognosen overstiger bevillingen" in html
    assert 'data-figure="forecast"' in html
    assert "36.360,40 kr." in html  # 100 paid + 36,260.40 still to earn


def test_the_budget_page_takes_the_same_queries_for_5_and_50_practices(client, region):
    big = make_round(region, open_=False, places=60)
    leader = make_user(role=Role.PROJECT_LEADER, round=big)
    keu_user = make_user(role=Role.KEU, region=region)
    _lines(big, leader, keu_user)
    url = reverse("finance:budget", args=[big.pk])
    login(client, keu_user)
    counts = []
    for n in (5, 45):
        for _ in range(n):
            participation, puser = paying_participation(big, leader)
            _own_hours(participation, puser, leader, "1")
        queries, rows, html = render_counted(client, url, "line")
        assert rows == 2
        counts.append(queries)
    assert counts[0] == counts[1]
    assert html.count('data-figure="forecast"') == 3  # two lines and the total


def test_a_withdrawn_practice_keeps_what_it_earned_but_earns_no_more(closed_round, leader):
    participation, puser = paying_participation(closed_round, leader)
    _own_hours(participation, puser, leader, "5")
    participation.ended_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    participation.save()
    result = still_earnable(closed_round, today=TODAY)
    assert (result.earned, result.amount) == (Decimal("5494.00"), 0)
