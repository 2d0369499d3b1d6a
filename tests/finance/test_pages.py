"""The money pages: a practice's money page, the budget page with its server-drawn chart and table,
the exports equal to the page, logging and deciding through the pages, and query counts that do not
grow with the rows."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from finance.models import EarningEntry, EntryStatus, Expense, ExpenseStatus, ItemKind, PayItem
from finance.services import budget as budget_services
from finance.services import earnings as services
from ligepraksis.models import Role
from tests.activities.service_factories import render_counted
from tests.conftest import make_user
from tests.finance.factories import paying_participation
from tests.helpers import body, english, login


@pytest.fixture
def part(closed_round, leader):
    return paying_participation(closed_round, leader)


@pytest.fixture
def keu(closed_round):
    return make_user(role=Role.KEU, region=closed_round.region)


def _entries(participation, puser, leader, n, *, approve=True):
    item = PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION)
    item.cap = None
    item.save()
    for i in range(n):
        entry = services.entry_log(
            user=puser,
            participation=participation,
            item=item,
            worked_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            hours=Decimal("0.5"),
            description=f"Møde {i}",
        )
        if approve:
            services.entry_decide(user=leader, entry=entry, approve=True)


def test_the_practice_sees_what_it_has_earned_by_item(client, part, leader):
    participation, puser = part
    _entries(participation, puser, leader, 10)  # 5 hours
    html = body(login(client, puser).get(reverse("finance:money", args=[participation.pk]))).decode()
    assert "5.494,00 kr." in html
    assert html.count('data-row="entry"') == 10


def test_a_practice_logs_an_entry_and_a_leader_approves_it_through_the_pages(client, part, leader):
    participation, puser = part
    item = PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION)
    english(login(client, puser))
    response = client.post(
        reverse("finance:entry_new", args=[participation.pk]),
        {
            "item": item.pk,
            "worked_on": "10.03.2026",
            "hours": "1,5",
            "km": "",
            "description": "Personalemøde",
        },
    )
    assert response.status_code == 302
    entry = EarningEntry.objects.get()
    assert entry.hours == Decimal("1.5")
    login(client, leader)
    assert (
        'data-row="entry"'
        in body(client.get(reverse("finance:entries", args=[participation.round_id]))).decode()
    )
    response = client.post(
        reverse("finance:entry_decide", args=[entry.pk]),
        {f"e{entry.pk}-decision": "approve", f"e{entry.pk}-reason": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED


def test_an_entry_over_the_range_is_refused_in_danish_and_nothing_is_saved(client, part):
    participation, puser = part
    item = PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION)
    response = login(client, puser).post(
        reverse("finance:entry_new", args=[participation.pk]),
        {"item": item.pk, "worked_on": "10.03.2026", "hours": "25", "km": "", "description": "Hele døgnet"},
    )
    assert response.status_code == 200
    assert "En registrering er mellem 0,25 og 24 timer." in response.content.decode()
    assert not EarningEntry.objects.exists()


def _budget(round_obj, leader, keu, lines):
    for i in range(lines):
        line = budget_services.budget_line_save(
            user=leader, round_obj=round_obj, name=f"Linje {i}", granted=Decimal("1000.50") * (i + 1), order=i
        )
        budget_services.expense_add(
            user=keu,
            line=line,
            description="Udgift",
            amount=Decimal("333.33") * (i % 4 + 1),
            incurred_on=dt.date(2026, 3, 1),
            status=ExpenseStatus.PAID if i % 2 else ExpenseStatus.COMMITTED,
        )


def test_the_budget_page_draws_its_chart_on_the_server_without_script(client, closed_round, leader, keu):
    _budget(closed_round, leader, keu, 3)
    budget_services.expense_add(
        user=keu,
        line=closed_round.budget_lines.first(),
        description="Stor udgift",
        amount=Decimal("700"),
        incurred_on=dt.date(2026, 4, 1),
        overspend_reason="Aftalt",
    )
    response = login(client, keu).get(reverse("finance:budget", args=[closed_round.pk]))
    html = response.content.decode()
    chart = html[html.index('data-testid="chart"') :]
    assert "<svg" in chart and "pygal" in chart
    assert "<script" not in chart.split("</figure>")[0].lower()
    assert 'data-testid="warning"' in html  # 333.33 + 700 of 1,000.50 is past 90 %
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _page_figures(html) -> list[list[Decimal]]:
    table = html[
        html.index('data-testid="budget-table"') : html.index(
            "</table>", html.index('data-testid="budget-table"')
        )
    ]
    out = []
    for tr in re.findall(r'<tr data-row="(?:line|total)">(.*?)</tr>', table, re.S):
        cells = re.findall(r'data-figure="\w+">([^<]*)</td>', tr)
        out.append([Decimal(c.replace(" kr.", "").replace(".", "").replace(",", ".")) for c in cells])
    return out


def test_every_figure_in_the_exports_equals_the_figure_on_the_page(client, closed_round, leader, keu):
    participation, puser = paying_participation(closed_round, leader)
    _entries(participation, puser, leader, 3)  # earned, in the honoraria line's forecast
    _budget(closed_round, leader, keu, 4)
    honoraria = closed_round.budget_lines.order_by("order").last()
    budget_services.budget_line_save(
        user=leader,
        round_obj=closed_round,
        name=honoraria.name,
        granted=honoraria.granted,
        order=honoraria.order,
        honoraria=True,
        line=honoraria,
    )
    login(client, keu)
    query = "?start=01.01.2026&end=31.12.2026"
    html = client.get(reverse("finance:budget", args=[closed_round.pk]) + query).content.decode()
    page = _page_figures(html)
    assert len(page) == 5 and any(any(v % 1 for v in row) for row in page)  # øre on the page
    assert all(len(row) == 5 for row in page)  # granted, committed, paid, remaining, forecast
    assert page[3][4] > page[3][1] + page[3][2]  # the honoraria line's forecast adds the practices'

    xlsx = client.get(reverse("finance:budget_export", args=[closed_round.pk, "xlsx"]) + query)
    sheet = load_workbook(io.BytesIO(body(xlsx))).active
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[0]]
    assert header[:5] == ["Budgetlinje", "Bevilget (kr.)", "Disponeret (kr.)", "Betalt (kr.)", "Rest (kr.)"]
    assert header[6] == "Prognose (kr.)"
    money = (1, 2, 3, 4, 6)  # the share (5) is a whole number, the period's days (7, 8) dates
    from_xlsx = []
    for cells in rows[1:]:
        for i in money:
            assert cells[i].data_type == "n" and cells[i].number_format == "#,##0.00"
        assert isinstance(cells[7].value, dt.datetime | dt.date)
        from_xlsx.append([Decimal(str(cells[i].value)).quantize(Decimal("0.01")) for i in money])
    # the page's order: granted, committed, paid, remaining, forecast; the export's the same
    assert from_xlsx == page

    text = body(client.get(reverse("finance:budget_export", args=[closed_round.pk, "csv"]) + query)).decode(
        "utf-8-sig"
    )
    reader = list(csv.reader(io.StringIO(text), delimiter=";"))
    from_csv = [[Decimal(r[i].replace(",", ".")) for i in money] for r in reader[1:]]
    assert from_csv == page
    assert reader[1][7] == "01.01.2026"


def test_the_budget_page_takes_the_same_queries_for_5_and_50_lines(client, closed_round, leader, keu):
    counts = []
    for n in (5, 50):
        Expense.objects.all().delete()
        closed_round.budget_lines.all().delete()
        _budget(closed_round, leader, keu, n)
        login(client, keu)
        queries, rows, _ = render_counted(client, reverse("finance:budget", args=[closed_round.pk]), "line")
        assert rows == n
        counts.append(queries)
    assert counts[0] == counts[1]


def test_the_money_page_takes_the_same_queries_for_5_and_50_entries(client, part, leader):
    participation, puser = part
    login(client, puser)
    url = reverse("finance:money", args=[participation.pk])
    _entries(participation, puser, leader, 5)
    few, rows_few, _ = render_counted(client, url, "entry")
    _entries(participation, puser, leader, 45, approve=False)
    many, rows_many, _ = render_counted(client, url, "entry")
    assert (rows_few, rows_many) == (5, 50)
    assert few == many


def test_the_practices_money_page_takes_the_same_queries_for_5_and_50_practices(client, region, keu):
    from tests.conftest import make_round

    big = make_round(region, open_=False, places=60)
    leader = make_user(role=Role.PROJECT_LEADER, round=big)
    login(client, keu)
    url = reverse("finance:round_money", args=[big.pk])

    def add(count):
        for _ in range(count):
            participation, puser = paying_participation(big, leader)
            _entries(participation, puser, leader, 1)

    add(5)
    few, few_rows, _ = render_counted(client, url, "practice")
    add(45)
    many, many_rows, html = render_counted(client, url, "practice")
    assert (few_rows, many_rows) == (5, 50)
    assert few == many
    assert "549,40 kr." in html  # half an hour at 1.098,80 kr.


def test_the_history_page_shows_who_when_before_and_after(client, part, leader, keu):
    participation, puser = part
    line = budget_services.budget_line_save(
        user=leader, round_obj=participation.round, name="Arrangementer", granted=Decimal("1000")
    )
    budget_services.budget_line_save(
        user=leader, round_obj=participation.round, name="Arrangementer", granted=Decimal("1500"), line=line
    )
    _entries(participation, puser, leader, 1)
    url = reverse("finance:history", args=[participation.round_id])
    few, rows, html = render_counted(login(client, keu), url, "change")
    assert "1.000,00 → 1.500,00" in html
    # the rate, the five items made and one changed, the line twice, the entry logged and approved
    assert rows == 1 + 6 + 2 + 2
    _entries(participation, puser, leader, 10)
    many, rows, _ = render_counted(client, url, "change")
    assert rows == 11 + 1 + 20  # the item saved again by _entries
    assert many == few


def test_the_practice_start_page_shows_what_it_has_earned_so_far(client, part, leader):
    participation, puser = part
    _entries(participation, puser, leader, 10)  # 5 hours
    html = login(client, puser).get("/").content.decode()
    assert f'data-card="money-{participation.pk}"' in html and "Optjent indtil nu" in html
    assert "5.494,00 kr." in html
    assert reverse("finance:money", args=[participation.pk]) in html


def test_steering_members_see_no_money_on_their_start_page(client, part, leader, steering):
    participation, puser = part
    _entries(participation, puser, leader, 2)
    html = login(client, steering).get("/").content.decode()
    assert "kr." not in html
    assert "/penge/" not in html


def test_the_money_page_says_what_lies_beyond_a_cap(client, part, leader):
    participation, puser = part
    item = PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION)
    entry = services.entry_log(
        user=puser,
        participation=participation,
        item=item,
        worked_on=dt.date(2026, 3, 1),
        hours=Decimal("3"),
        description="Møde",
    )
    services.entry_decide(user=leader, entry=entry, approve=True)
    item.cap = Decimal("2")  # lowered after the approval (in the admin)
    item.save()
    html = login(client, puser).get(reverse("finance:money", args=[participation.pk])).content.decode()
    assert "1 time over loftet: honoreres ikke" in html
    assert "2.197,60 kr." in html


def test_the_keu_secretariat_of_another_region_sees_none_of_this_regions_money(client, part, closed_round):
    from ligepraksis.models import Region

    participation, _puser = part
    other = make_user(role=Role.KEU, region=Region.objects.create(name="Region Nordjylland", code="nord"))
    login(client, other)
    for url in (
        reverse("finance:money", args=[participation.pk]),
        reverse("finance:round_money", args=[closed_round.pk]),
        reverse("finance:budget", args=[closed_round.pk]),
        reverse("finance:budget_export", args=[closed_round.pk, "csv"]),
        reverse("finance:history", args=[closed_round.pk]),
    ):
        assert client.get(url).status_code == 404, url
