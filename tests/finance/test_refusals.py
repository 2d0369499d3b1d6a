"""The refusals of issue 11 about rates, items and texts, each with a Danish message and nothing
half-saved: a rate change for a year that has approved amounts (entries, and hours earned from the
activities ledger), hours beyond an item's cap (logging and approving, through the service and the
page), and a CPR number in every text finance keeps."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from django.urls import reverse

from finance.models import BudgetLine, EarningEntry, EntryStatus, Expense, ItemKind, PayItem, Rate
from finance.services import budget as budget_services
from finance.services import earnings as services
from finance.services import rates as rate_services
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.conftest import make_user
from tests.finance.factories import paying_participation
from tests.helpers import login

CPR_TEXT = "Patient 010190-1234"


@pytest.fixture
def part(closed_round, leader):
    return paying_participation(closed_round, leader)


def _change_2026(leader, region):
    return rate_services.rate_save(
        user=leader, region=region, year=2026, hourly=Decimal("1200"), per_km=Decimal("3.94")
    )


def test_a_rate_change_for_a_year_with_attended_hours_is_refused(closed_round, leader, part):
    """Inspiration hours attended in 2026 are earned at the 2026 rate: it keeps it."""
    from tests.activities.service_factories import make_activity
    from tests.activities.test_hours import at, held

    participation, puser = part
    webinar = make_activity(closed_round, hours="4")
    held(
        webinar,
        at(2026, 3, 10),
        puser,
        participation.practice,
        leader,
        present=[participation.application.doctor_coordinator],
    )
    with pytest.raises(DomainError) as exc:
        _change_2026(leader, closed_round.region)
    assert exc.value.code == rate_services.RATE_YEAR_HAS_APPROVED
    assert "Taksterne for 2026 kan ikke ændres" in str(exc.value)
    assert Rate.objects.get(region=closed_round.region, year=2026).hourly == Decimal("1098.80")


def test_a_rate_change_for_a_year_with_approved_hour_claims_is_refused(closed_round, leader, part):
    from activities.models import ClaimStatus
    from tests.activities.test_hours import claim

    participation, _puser = part
    doctor = participation.application.doctor_coordinator
    claim(participation, doctor, "2", ClaimStatus.PENDING)
    _change_2026(leader, closed_round.region)  # a pending claim is not an approved amount
    claim(participation, doctor, "3", ClaimStatus.APPROVED, leader=leader)
    with pytest.raises(DomainError) as exc:
        rate_services.rate_save(
            user=leader, region=closed_round.region, year=2026, hourly=Decimal("1098.80"), per_km=Decimal("4")
        )
    assert exc.value.code == rate_services.RATE_YEAR_HAS_APPROVED


def test_a_rate_change_for_a_year_with_approved_entries_is_refused_on_the_page(client, part, leader):
    participation, puser = part
    entry = services.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION),
        worked_on=dt.date(2026, 3, 1),
        hours=Decimal("2"),
        description="Møde",
    )
    services.entry_decide(user=leader, entry=entry, approve=True)
    url = reverse("finance:rates", args=[participation.round.region_id])
    response = login(client, leader).post(url, {"year": "2026", "hourly": "1.200,00", "per_km": "3,94"})
    assert response.status_code == 200
    assert "Taksterne for 2026 kan ikke ændres: der er allerede godkendt beløb for det år." in (
        response.content.decode()
    )
    assert Rate.objects.get(region=participation.round.region, year=2026).hourly == Decimal("1098.80")


def test_hours_beyond_the_cap_are_refused_on_the_page_in_danish(client, part):
    participation, puser = part
    own = PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION)  # cap 20
    login(client, puser)
    url = reverse("finance:entry_new", args=[participation.pk])
    data = {"item": own.pk, "worked_on": "10.03.2026", "km": "", "description": "Møde"}
    assert client.post(url, {**data, "hours": "18"}).status_code == 302
    response = client.post(url, {**data, "hours": "2,5"})
    assert response.status_code == 200
    assert "Egen indsats honoreres med højst 20 timer pr. praksis; 18 er allerede registreret." in (
        response.content.decode()
    )
    assert EarningEntry.objects.count() == 1


def test_approving_beyond_the_cap_is_refused(part, leader):
    """Two entries within the cap each when logged; the cap lowered to what is approved in between."""
    from finance.services.items import pay_item_save

    participation, puser = part
    own = PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION)

    def log(hours):
        return services.entry_log(
            user=puser,
            participation=participation,
            item=own,
            worked_on=dt.date(2026, 3, 1),
            hours=Decimal(hours),
            description="Møde",
        )

    first, second = log("6"), log("6")
    services.entry_decide(user=leader, entry=first, approve=True)
    pay_item_save(user=leader, item=own, enabled=True, cap=Decimal("8"))
    with pytest.raises(DomainError) as exc:
        services.entry_decide(user=leader, entry=second, approve=True)
    assert exc.value.code == services.OVER_CAP
    second.refresh_from_db()
    assert second.status == EntryStatus.PENDING


# --- A CPR number in every text finance keeps ------------------------------------------------------

FINANCE_TEXTS = {
    ("earningentry", "description"),
    ("earningentry", "decision_reason"),
    ("expense", "description"),
    ("expense", "overspend_reason"),
    ("budgetline", "name"),
}
INSTALMENT_TEXTS = {
    ("instalment", "name"),
    ("participationinstalment", "withheld_reason"),
    ("participationinstalment", "release_reason"),
    ("moneycorrection", "reason"),
    ("paymentbatch", "reference"),
}


def test_every_text_of_finance_is_in_the_cpr_tests_below():
    """A new text field in finance/ must get its refusal test here."""
    from django.apps import apps

    texts = {
        (m._meta.model_name, f.name)
        for m in apps.get_app_config("finance").get_models()
        if not m._meta.model_name.startswith("historical")
        for f in m._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    }
    assert texts == FINANCE_TEXTS | INSTALMENT_TEXTS


@pytest.fixture
def keu(closed_round):
    return make_user(role=Role.KEU, region=closed_round.region)


def _entry(part):
    participation, puser = part
    return services.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION),
        worked_on=dt.date(2026, 3, 1),
        hours=Decimal("2"),
        description="Møde",
    )


def _line(leader, round_obj, name="Arrangementer", granted="100"):
    return budget_services.budget_line_save(
        user=leader, round_obj=round_obj, name=name, granted=Decimal(granted)
    )


@pytest.mark.parametrize("text", sorted(FINANCE_TEXTS))
def test_a_cpr_number_in_a_finance_text_is_refused_and_nothing_is_saved(
    text, part, leader, keu, closed_round
):
    if text == ("earningentry", "description"):
        participation, puser = part
        with pytest.raises(DomainError) as exc:
            services.entry_log(
                user=puser,
                participation=participation,
                item=PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION),
                worked_on=dt.date(2026, 3, 1),
                hours=Decimal("2"),
                description=CPR_TEXT,
            )
        assert not EarningEntry.objects.exists()
    elif text == ("earningentry", "decision_reason"):
        entry = _entry(part)
        for approve in (True, False):
            with pytest.raises(DomainError) as exc:
                services.entry_decide(user=leader, entry=entry, approve=approve, reason=CPR_TEXT)
        entry.refresh_from_db()
        assert (entry.status, entry.decision_reason) == (EntryStatus.PENDING, "")
    elif text == ("expense", "description"):
        with pytest.raises(DomainError) as exc:
            budget_services.expense_add(
                user=keu,
                line=_line(leader, closed_round),
                description=CPR_TEXT,
                amount=Decimal("10"),
                incurred_on=dt.date(2026, 3, 1),
            )
        assert not Expense.objects.exists()
    elif text == ("expense", "overspend_reason"):
        with pytest.raises(DomainError) as exc:
            budget_services.expense_add(
                user=keu,
                line=_line(leader, closed_round),
                description="Lokaleleje",
                amount=Decimal("1000"),
                incurred_on=dt.date(2026, 3, 1),
                overspend_reason=CPR_TEXT,
            )
        assert not Expense.objects.exists()
    elif text == ("budgetline", "name"):
        with pytest.raises(DomainError) as exc:
            _line(leader, closed_round, name=CPR_TEXT)
        line = _line(leader, closed_round)
        with pytest.raises(DomainError):
            budget_services.budget_line_save(
                user=leader, round_obj=closed_round, name=CPR_TEXT, granted=Decimal("1"), line=line
            )
        assert list(BudgetLine.objects.values_list("name", flat=True)) == ["Arrangementer"]
    assert "CPR" in str(exc.value) or "cpr" in str(exc.value).lower()


@pytest.mark.parametrize("text", sorted(INSTALMENT_TEXTS))
def test_a_cpr_number_in_an_instalment_text_is_refused_and_nothing_is_saved(text, part, leader, keu):
    from finance.models import MoneyCorrection, ParticipationInstalment, PaymentBatch
    from finance.services import instalments
    from tests.finance.instalment_factories import earn, open_instalment, ready

    participation, puser = part
    first = ready(participation)[0]
    open_instalment(participation, leader, first)
    if text == ("instalment", "name"):
        with pytest.raises(DomainError) as exc:
            instalments.instalment_save(
                user=leader, instalment=first, name=CPR_TEXT, milestone_kinds=first.milestone_kinds
            )
        first.refresh_from_db()
        assert first.name != CPR_TEXT
    elif text == ("participationinstalment", "withheld_reason"):
        with pytest.raises(DomainError) as exc:
            instalments.instalment_withhold(
                user=leader, participation=participation, instalment=first, reason=CPR_TEXT
            )
        assert not ParticipationInstalment.objects.filter(instalment=first, withheld_reason=CPR_TEXT).exists()
    elif text == ("participationinstalment", "release_reason"):
        instalments.instalment_withhold(
            user=leader, participation=participation, instalment=first, reason="Mangler statusrapport"
        )
        with pytest.raises(DomainError) as exc:
            instalments.instalment_release(
                user=leader, participation=participation, instalment=first, reason=CPR_TEXT
            )
        row = ParticipationInstalment.objects.get(instalment=first, participation=participation)
        assert row.withheld_reason == "Mangler statusrapport" and row.release_reason != CPR_TEXT
    elif text == ("moneycorrection", "reason"):
        with pytest.raises(DomainError) as exc:
            instalments.correction_add(
                user=leader, participation=participation, amount="-10", reason=CPR_TEXT
            )
        assert not MoneyCorrection.objects.exists()
    elif text == ("paymentbatch", "reference"):
        earn(participation, puser, leader, "2")
        row = instalments.instalment_approve(user=leader, participation=participation, instalment=first)
        with pytest.raises(DomainError) as exc:
            instalments.instalments_pay(
                user=keu,
                round_obj=participation.round,
                row_ids=[row.pk],
                reference=CPR_TEXT,
                paid_on=dt.date(2026, 6, 1),
            )
        assert not PaymentBatch.objects.exists()
    assert "CPR" in str(exc.value) or "cpr" in str(exc.value).lower()
