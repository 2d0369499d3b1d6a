"""Gaps found reviewing finance/ against issue 11's "Bad input and access" and "Tests that show it":
the leaders' queue of entries does not grow in queries with its rows, a paid expense's amount is not
edited anywhere, and the km and overspend refusals reach the pages in Danish."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import EarningEntry, Expense, ExpenseStatus, ItemKind
from finance.services import budget as budget_services
from finance.services import earnings as services
from ligepraksis.models import Role
from tests.activities.service_factories import render_counted
from tests.conftest import make_user
from tests.finance.factories import item, paying_participation
from tests.helpers import login


@pytest.fixture
def part(closed_round, leader):
    return paying_participation(closed_round, leader)


@pytest.fixture
def keu(closed_round):
    return make_user(role=Role.KEU, region=closed_round.region)


def test_the_entries_queue_takes_the_same_queries_for_5_and_50_entries(client, closed_round, leader):
    parts = [paying_participation(closed_round, leader) for _ in range(3)]
    own = item(closed_round, ItemKind.OWN_INTERVENTION, cap=None)
    url = reverse("finance:entries", args=[closed_round.pk])
    login(client, leader)
    counts, logged = [], 0
    for total in (5, 50):  # PAGE_SIZE is 50: every row on the page
        while logged < total:
            participation, puser = parts[logged % len(parts)]
            services.entry_log(
                user=puser,
                participation=participation,
                item=own,
                worked_on=dt.date(2026, 3, 1),
                hours=Decimal("0.5"),
                description="Møde",
            )
            logged += 1
        queries, rows, _html = render_counted(client, url, "entry")
        assert rows == total
        counts.append(queries)
    assert counts[0] == counts[1]


def test_a_paid_expense_is_not_edited_in_the_admin(client, closed_round, leader, keu):
    line = budget_services.budget_line_save(
        user=leader, round_obj=closed_round, name="Arrangementer", granted=Decimal("1000")
    )
    expense = budget_services.expense_add(
        user=keu,
        line=line,
        description="Lokaleleje",
        amount=Decimal("100"),
        incurred_on=dt.date(2026, 3, 1),
        status=ExpenseStatus.PAID,
    )
    admin = make_user("admin@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    login(client, admin)
    response = client.post(
        reverse("admin:finance_expense_change", args=[expense.pk]),
        {
            "line": line.pk,
            "description": "Lokaleleje",
            "amount": "1",
            "status": "paid",
            "incurred_on": "2026-03-01",
        },
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:finance_expense_delete", args=[expense.pk]), {"post": "yes"}).status_code
        == 403
    )
    expense.refresh_from_db()
    assert expense.amount == Decimal("100.00")


def test_km_outside_a_trip_are_refused_on_the_page_in_danish(client, part):
    participation, puser = part
    transport = item(participation.round, ItemKind.TRANSPORT, enabled=True)
    response = login(client, puser).post(
        reverse("finance:entry_new", args=[participation.pk]),
        {"item": transport.pk, "worked_on": "10.03.2026", "hours": "", "km": "501", "description": "Kørsel"},
    )
    assert response.status_code == 200
    assert "En tur er mellem 0 og 500 km." in response.content.decode()
    assert not EarningEntry.objects.exists()


def test_an_overspending_expense_without_a_reason_is_refused_on_the_page_in_danish(
    client, closed_round, leader, keu
):
    line = budget_services.budget_line_save(
        user=leader, round_obj=closed_round, name="Arrangementer", granted=Decimal("100")
    )
    response = login(client, keu).post(
        reverse("finance:expense_new", args=[closed_round.pk]),
        {
            "line": line.pk,
            "description": "Lokaleleje",
            "amount": "150",
            "incurred_on": "01.03.2026",
            "status": "committed",
            "overspend_reason": "",
        },
    )
    assert response.status_code == 200
    assert (
        "over bevillingen på 100,00 kr.: angiv en begrundelse for overskridelsen."
        in response.content.decode()
    )
    assert not Expense.objects.exists()


def test_a_leader_who_acts_for_the_practice_cannot_decide_its_money_through_the_pages(client, part, leader):
    from ligepraksis.permissions import forget_grants
    from practices.services import practice_grant

    participation, puser = part
    entry = services.entry_log(
        user=puser,
        participation=participation,
        item=item(participation.round, ItemKind.OWN_INTERVENTION),
        worked_on=dt.date(2026, 3, 1),
        hours=Decimal("2"),
        description="Møde",
    )
    practice_grant(user=leader, practice=participation.practice)
    forget_grants(leader)
    login(client, leader)
    html = client.get(reverse("finance:entries", args=[participation.round_id])).content.decode()
    assert 'data-testid="not-yours"' in html
    assert f'action="{reverse("finance:entry_decide", args=[entry.pk])}"' not in html
    response = client.post(
        reverse("finance:entry_decide", args=[entry.pk]),
        {f"e{entry.pk}-decision": "approve", f"e{entry.pk}-reason": ""},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == "pending"
