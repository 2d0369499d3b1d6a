"""finance/' part of a person's data: the export lists what their login entered and the history rows
it caused; erasure rewrites their name in the entries' texts, in the history rows too."""

import datetime as dt
from decimal import Decimal

from finance import personal_data
from finance.models import EarningEntry, ItemKind, PayItem
from finance.services import earnings
from practices.models import Person
from tests.finance.factories import paying_participation


def test_export_and_erase_cover_entries_and_their_history(closed_round, leader):
    participation, puser = paying_participation(closed_round, leader)
    person = Person.objects.filter(memberships__practice=participation.practice).first()
    person.user = puser
    person.save()
    entry = earnings.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=closed_round, kind=ItemKind.OWN_INTERVENTION),
        worked_on=dt.date(2026, 3, 1),
        hours=Decimal("2"),
        description=f"Møde ledet af {person.name}",
    )
    earnings.entry_decide(user=leader, entry=entry, approve=True)
    data = personal_data.export(person)
    assert [e["description"] for e in data["entries_logged"]] == [f"Møde ledet af {person.name}"]
    assert [h["type"] for h in data["money_history"]] == ["+"]
    assert list(personal_data.rounds([person.pk])) == [(person.pk, closed_round.pk)]

    personal_data.erase(person, label="Anonymiseret person #1")
    assert EarningEntry.objects.get().description == "Møde ledet af Anonymiseret person #1"
    assert not EarningEntry.history.filter(description__contains=person.name).exists()
    assert EarningEntry.history.count() == 2  # rows kept, amounts kept


def test_the_export_lists_every_money_history_row_the_login_caused(closed_round, leader):
    """Rates, paid items and budget lines are money too: the rows a leader's changes made are theirs."""
    from finance.services import budget, items, rates

    participation, _puser = paying_participation(closed_round, leader)
    person = Person.objects.filter(memberships__practice=participation.practice).first()
    person.user = leader
    person.save()
    rates.rate_save(
        user=leader, region=closed_round.region, year=2027, hourly=Decimal("1120"), per_km=Decimal("4")
    )
    items.pay_item_save(
        user=leader,
        item=PayItem.objects.get(round=closed_round, kind=ItemKind.EVALUATION),
        enabled=True,
        cap=Decimal("6"),
    )
    budget.budget_line_save(user=leader, round_obj=closed_round, name="Arrangementer", granted=Decimal("1"))
    whats = sorted(h["what"] for h in personal_data.export(person)["money_history"])
    assert whats == ["budgetlinje", "honoreret post", "takst"]


def test_export_and_erase_cover_instalment_decisions_and_corrections(closed_round, leader):
    from finance.models import MoneyCorrection, ParticipationInstalment
    from finance.services import instalments
    from tests.finance.instalment_factories import open_instalment, ready

    participation, _puser = paying_participation(closed_round, leader)
    person = Person.objects.filter(memberships__practice=participation.practice).first()
    first = ready(participation)[0]
    open_instalment(participation, leader, first)
    instalments.instalment_withhold(
        user=leader, participation=participation, instalment=first, reason=f"{person.name} har ikke svaret"
    )
    instalments.correction_add(
        user=leader, participation=participation, amount="-10", reason=f"Aftalt med {person.name}"
    )
    leader_person = Person.objects.create(name="Lise Ledersen", user=leader)
    data = personal_data.export(leader_person)
    assert [r["withheld_reason"] for r in data["instalments_decided"]] == [f"{person.name} har ikke svaret"]
    assert [c["amount"] for c in data["corrections_entered"]] == [Decimal("-10.00")]
    assert {h["what"] for h in data["money_history"]} >= {"praksisrate", "korrektion"}

    personal_data.erase(person, label="Anonymiseret person #2")
    assert ParticipationInstalment.objects.get(instalment=first).withheld_reason.startswith("Anonymiseret")
    assert MoneyCorrection.objects.get().reason == "Aftalt med Anonymiseret person #2"
    assert not ParticipationInstalment.history.filter(withheld_reason__contains=person.name).exists()
    assert not MoneyCorrection.history.filter(reason__contains=person.name).exists()
