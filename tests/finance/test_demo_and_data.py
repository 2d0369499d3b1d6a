"""The demo has money to show (rates, lines, expenses on several lines, entries approved and pending),
its pages answer for the KEU secretariat and the practice, the measured pages include them, and a
person's data export and erasure cover finance (history rows included)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import BudgetLine, EarningEntry, EntryStatus, Expense, Rate
from ligepraksis.models import Role, RoleGrant
from ligepraksis.registry import collect_measured_pages
from tests.helpers import login


@pytest.mark.django_db
def test_the_demo_has_rates_budget_expenses_and_entries(demo_db, client):
    assert Rate.objects.get(year=2026).hourly == Decimal("1098.80")
    assert BudgetLine.objects.count() >= 7
    assert BudgetLine.objects.filter(honoraria=True, name="Praksishonorarer").count() == 1
    assert Expense.objects.values("line").distinct().count() >= 4
    statuses = set(EarningEntry.objects.values_list("status", flat=True))
    assert {EntryStatus.APPROVED, EntryStatus.PENDING} <= statuses
    pages = {(p.name, p.role): p for p in collect_measured_pages()}
    for key in (
        ("budget", Role.KEU.value),
        ("the practice's money", "practice"),
        ("money entries to decide", Role.PROJECT_LEADER.value),
        ("money history", Role.PROJECT_LEADER.value),
        ("what the round pays for", Role.PROJECT_LEADER.value),
    ):
        page = pages[key]
        response = login(client, page.user).get(page.url)
        assert response.status_code == 200, key
    keu = RoleGrant.objects.filter(role=Role.KEU).first().user
    html = login(client, keu).get("/").content.decode()
    assert reverse("finance:budget", args=[BudgetLine.objects.first().round_id]) in html


@pytest.mark.django_db
def test_the_demo_has_an_instalment_paid_one_payable_and_one_withheld(demo_db, client):
    from applications.models import Participation
    from finance.models import InstalmentStatus, ParticipationInstalment
    from finance.selectors.instalments import PAYABLE, instalment_states

    statuses = set(ParticipationInstalment.objects.values_list("status", flat=True))
    assert {InstalmentStatus.PAID, InstalmentStatus.WITHHELD} <= statuses
    round_id = (
        ParticipationInstalment.objects.filter(status=InstalmentStatus.PAID).get().participation.round_id
    )
    states = instalment_states(Participation.objects.filter(round_id=round_id).select_related("round"))
    assert any(s.state == PAYABLE for rows in states.values() for s in rows)
    pages = {(p.name, p.role): p for p in collect_measured_pages()}
    page = pages[("the payment list", Role.KEU.value)]
    assert login(client, page.user).get(page.url).status_code == 200
