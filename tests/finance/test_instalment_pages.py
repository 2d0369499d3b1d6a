"""The instalment pages: the practice's money page shows each instalment, its state, the withholding
reason and what is missing; a leader decides through it; the KEU secretariat pays a batch from the
payment list; the payment list's exports; query counts that do not grow with the rows."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from finance.models import InstalmentStatus, ParticipationInstalment, PaymentBatch
from finance.services import instalments as services
from ligepraksis.models import Role
from tests.activities.service_factories import render_counted
from tests.conftest import make_round, make_user
from tests.finance.factories import paying_participation
from tests.finance.instalment_factories import earn, open_instalment, ready
from tests.helpers import body, login


@pytest.fixture
def keu(closed_round):
    return make_user(role=Role.KEU, region=closed_round.region)


@pytest.fixture
def part(closed_round, leader):
    participation, puser = paying_participation(closed_round, leader)
    return participation, puser, ready(participation)


def approved_row(participation, puser, leader, hours="5"):
    first = ready(participation)[0]
    earn(participation, puser, leader, hours)
    open_instalment(participation, leader, first)
    return services.instalment_approve(user=leader, participation=participation, instalment=first)


def test_the_practice_sees_its_instalments_the_reason_and_what_is_missing(client, part, leader):
    participation, puser, (first, second, _final) = part
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    services.instalment_withhold(
        user=leader, participation=participation, instalment=first, reason="Statusrapport mangler"
    )
    login(client, puser)
    html = client.get(reverse("finance:money", args=[participation.pk])).content.decode()
    assert html.count('data-row="instalment"') == 3
    assert 'data-state="withheld"' in html and "Statusrapport mangler" in html
    assert "Tilbageholdt" in html
    # the next one not open: its milestones by name
    assert 'data-testid="next-missing"' in html and "Timemål" in html
    assert "instalment_decide" not in html and "Registrér beslutning" not in html  # no forms for her


def test_a_leader_approves_through_the_page_and_the_keu_secretariat_pays_the_batch(client, part, leader, keu):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    login(client, leader)
    url = reverse("finance:instalment_decide", args=[participation.pk, first.pk])
    response = client.post(url, {f"i{first.pk}-action": "approve"}, follow=True)
    assert "5.494,00 kr." in response.content.decode()
    row = ParticipationInstalment.objects.get(participation=participation, instalment=first)
    assert row.status == InstalmentStatus.APPROVED
    # the secretariat cannot approve or withhold (403), but pays
    login(client, keu)
    assert (
        client.post(url, {f"i{first.pk}-action": "withhold", f"i{first.pk}-reason": "x"}).status_code == 403
    )
    pay_url = reverse("finance:payments_pay", args=[participation.round_id])
    html = client.get(reverse("finance:payments", args=[participation.round_id])).content.decode()
    assert participation.practice.cvr in html and 'data-row="payment"' in html
    data = {"rows": [row.pk], "reference": "FIN-2026-17", "paid_on": "01.09.2026"}
    assert client.post(pay_url, data).status_code == 302
    assert client.post(pay_url, data).status_code == 200  # pressed twice: refused, shown
    assert PaymentBatch.objects.count() == 1
    row.refresh_from_db()
    assert (row.status, row.paid_on) == (InstalmentStatus.PAID, dt.date(2026, 9, 1))
    # the leader sees the list but does not record payments
    login(client, leader)
    assert client.post(pay_url, data).status_code == 403


def test_a_reference_used_for_another_batch_is_refused_in_danish(client, closed_round, leader, keu):
    rows = []
    for _ in range(2):
        participation, puser = paying_participation(closed_round, leader)
        rows.append(approved_row(participation, puser, leader))
    services.instalments_pay(
        user=keu, round_obj=closed_round, row_ids=[rows[0].pk], reference="FIN-1", paid_on=dt.date(2026, 9, 1)
    )
    login(client, keu)
    response = client.post(
        reverse("finance:payments_pay", args=[closed_round.pk]),
        {"rows": [rows[1].pk], "reference": "FIN-1", "paid_on": "02.09.2026"},
    )
    assert response.status_code == 200
    assert "Referencen FIN-1 er allerede brugt til en anden betaling." in response.content.decode()
    rows[1].refresh_from_db()
    assert rows[1].status == InstalmentStatus.APPROVED


def test_the_payment_list_exports_cvr_provider_numbers_as_text_and_typed_amounts(
    client, closed_round, leader, keu
):
    participation, puser = paying_participation(closed_round, leader)
    row = approved_row(participation, puser, leader, hours="1.5")
    practice = participation.practice
    number = practice.provider_numbers.get()
    number.number = "012345"
    number.save()
    login(client, keu)
    xlsx = client.get(reverse("finance:payments_export", args=[closed_round.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(body(xlsx))).active
    header, cells = list(sheet.iter_rows(values_only=False))[:2]
    assert [c.value for c in header][:5] == ["Praksis", "CVR-nummer", "Ydernumre", "Rate", "Beløb (kr.)"]
    assert cells[1].value == practice.cvr and cells[2].value == "012345" and cells[2].data_type == "s"
    assert cells[4].data_type == "n" and cells[4].number_format == "#,##0.00"
    assert Decimal(str(cells[4].value)).quantize(Decimal("0.01")) == row.amount == Decimal("1648.20")
    assert practice.name in cells[5].value
    text = body(client.get(reverse("finance:payments_export", args=[closed_round.pk, "csv"]))).decode(
        "utf-8-sig"
    )
    line = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert line[2] == "012345" and Decimal(line[4].replace(",", ".")) == Decimal("1648.20")


def test_the_payment_list_takes_the_same_queries_for_5_and_50_practices(client, region):
    big = make_round(region, open_=False, places=60)
    leader = make_user(role=Role.PROJECT_LEADER, round=big)
    keu = make_user(role=Role.KEU, region=region)
    url = reverse("finance:payments", args=[big.pk])

    def add(count):
        for _ in range(count):
            participation, puser = paying_participation(big, leader)
            approved_row(participation, puser, leader, hours="1")

    add(5)
    login(client, keu)
    few, few_rows, _ = render_counted(client, url, "payment")
    add(45)
    many, many_rows, html = render_counted(client, url, "payment")
    assert (few_rows, many_rows) == (5, 50)
    assert few == many
    assert "54.940,00 kr." in html  # 50 × 1.098,80 kr.


def test_the_money_page_takes_the_same_queries_with_instalments_in_every_state(client, part, leader, keu):
    participation, puser, (first, second, final) = part
    earn(participation, puser, leader, "2")
    login(client, puser)
    url = reverse("finance:money", args=[participation.pk])
    few, rows, _ = render_counted(client, url, "instalment")
    assert rows == 3
    for inst in (first, second):
        open_instalment(participation, leader, inst)
    row = services.instalment_approve(user=leader, participation=participation, instalment=first)
    services.instalments_pay(
        user=keu, round_obj=participation.round, row_ids=[row.pk], reference="R1", paid_on=dt.date(2026, 9, 1)
    )
    services.instalment_withhold(user=leader, participation=participation, instalment=final, reason="Mangler")
    many, rows, html = render_counted(client, url, "instalment")
    assert rows == 3 and few == many
    assert all(f'data-state="{s}"' in html for s in ("paid", "payable", "withheld"))


def test_a_leader_enters_a_correction_through_the_page(client, part, leader):
    participation, _puser, _insts = part
    login(client, leader)
    url = reverse("finance:correction_new", args=[participation.pk])
    response = client.post(url, {"amount": "-1.098,80", "reason": ""})
    assert response.status_code == 200
    assert participation.money_corrections.count() == 0
    assert client.post(url, {"amount": "-1.098,80", "reason": "Dobbelt registreret"}).status_code == 302
    assert participation.money_corrections.get().amount == Decimal("-1098.80")


def test_leaders_change_which_milestones_open_an_instalment(client, part, leader):
    participation, _puser, (first, *_rest) = part
    login(client, leader)
    url = reverse("finance:instalments", args=[participation.round_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "instalment": first.pk,
            f"i{first.pk}-name": "Første rate",
            f"i{first.pk}-milestone_kinds": ["hours"],
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.milestone_kinds) == ("Første rate", ["hours"])


def test_the_history_page_shows_approvals_withholdings_and_payments(client, part, leader, keu):
    participation, puser, (first, second, _final) = part
    earn(participation, puser, leader, "1")
    open_instalment(participation, leader, first)
    row = services.instalment_approve(user=leader, participation=participation, instalment=first)
    services.instalments_pay(
        user=keu,
        round_obj=participation.round,
        row_ids=[row.pk],
        reference="REF-77",
        paid_on=dt.date(2026, 9, 1),
    )
    services.instalment_withhold(
        user=leader, participation=participation, instalment=second, reason="Mangler"
    )
    login(client, keu)
    html = client.get(reverse("finance:history", args=[participation.round_id])).content.decode()
    assert "Praksisrate" in html and "REF-77" in html and "Mangler" in html and "1.098,80" in html


def test_the_money_page_takes_the_same_queries_for_5_and_50_instalments(client, closed_round, leader):
    from finance.models import Instalment

    participation, puser = paying_participation(closed_round, leader)
    ready(participation)
    earn(participation, puser, leader, "1")
    login(client, puser)
    url = reverse("finance:money", args=[participation.pk])

    def upto(n):
        for number in range(Instalment.objects.filter(round=closed_round).count() + 1, n + 1):
            Instalment.objects.create(
                round=closed_round, number=number, name=f"{number}. rate", milestone_kinds=["followup"]
            )
        services.rows_ensure(participations=[participation])

    upto(5)
    few, few_rows, _ = render_counted(client, url, "instalment")
    upto(50)
    many, many_rows, html = render_counted(client, url, "instalment")
    assert (few_rows, many_rows) == (5, 50)
    assert few == many
