"""Instalments through the services: gating on milestones, the amount counted at approval and fixed,
withholding and release, corrections carried forward, payments in batches, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from finance.models import InstalmentStatus, MoneyCorrection, ParticipationInstalment, PaymentBatch
from finance.services import instalments as services
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from practices.services import practice_grant
from tests.conftest import make_user
from tests.finance.factories import paying_participation
from tests.finance.instalment_factories import close_kinds, earn, open_instalment, ready

PAID_ON = dt.date(2026, 9, 1)


@pytest.fixture
def part(closed_round, leader):
    participation, puser = paying_participation(closed_round, leader)
    return participation, puser, ready(participation)


@pytest.fixture
def keu(closed_round):
    return make_user("keu@example.org", role=Role.KEU, region=closed_round.region)


def approve(leader, participation, instalment):
    return services.instalment_approve(user=leader, participation=participation, instalment=instalment)


def pay(keu, rows, reference="FIN-2026-001"):
    return services.instalments_pay(
        user=keu,
        round_obj=rows[0].participation.round,
        row_ids=[r.pk for r in rows],
        reference=reference,
        paid_on=PAID_ON,
    )


def refused(code, fn, **kw):
    with pytest.raises(DomainError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def test_a_round_has_three_instalments_by_default_the_last_the_final_settlement(part):
    _p, _u, instalments = part
    assert [i.number for i in instalments] == [1, 2, 3]
    assert instalments[0].milestone_kinds == ["startup"]
    assert instalments[2].name == "Slutafregning"


def test_approving_an_instalment_whose_milestones_are_not_done_is_refused(part, leader):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "5")
    with translation.override("da"):
        error = refused(
            services.NOT_OPEN,
            services.instalment_approve,
            user=leader,
            participation=participation,
            instalment=first,
        )
    assert "Opstartsmøde" in str(error.message)
    assert not ParticipationInstalment.objects.filter(status=InstalmentStatus.APPROVED).exists()


def test_the_amount_is_counted_at_approval_and_later_earnings_go_to_the_next(part, leader, keu):
    participation, puser, (first, second, final) = part
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    row = approve(leader, participation, first)
    assert row.amount == Decimal("5494.00")
    earn(participation, puser, leader, "10", day=dt.date(2026, 6, 1))
    row.refresh_from_db()
    assert row.amount == Decimal("5494.00")  # fixed from approval
    open_instalment(participation, leader, second)
    assert approve(leader, participation, second).amount == Decimal("10988.00")


def test_earlier_instalments_are_approved_first(part, leader):
    participation, _puser, (first, second, _final) = part
    open_instalment(participation, leader, first)
    open_instalment(participation, leader, second)
    refused(
        services.EARLIER_FIRST,
        services.instalment_approve,
        user=leader,
        participation=participation,
        instalment=second,
    )


def test_approval_is_refused_twice_and_payment_is_once(part, leader, keu):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    row = approve(leader, participation, first)
    refused(
        services.ALREADY_DECIDED,
        services.instalment_approve,
        user=leader,
        participation=participation,
        instalment=first,
    )
    batch = pay(keu, [row])
    assert batch.total == Decimal("5494.00")
    row.refresh_from_db()
    assert (row.status, row.paid_on, row.batch) == (InstalmentStatus.PAID, PAID_ON, batch)
    # pressing "paid" again, with the same or another reference
    refused(services.ALREADY_PAID, pay, keu=keu, rows=[row])
    refused(services.ALREADY_PAID, pay, keu=keu, rows=[row], reference="FIN-2026-002")
    assert PaymentBatch.objects.count() == 1


def test_a_reference_already_used_for_another_batch_is_refused_and_nothing_is_saved(
    closed_round, leader, keu
):
    rows = []
    for _ in range(2):
        participation, puser = paying_participation(closed_round, leader)
        (first, *_rest) = ready(participation)
        earn(participation, puser, leader, "2")
        open_instalment(participation, leader, first)
        rows.append(approve(leader, participation, first))
    pay(keu, [rows[0]], reference="FIN-7")
    with translation.override("da"):
        error = refused(services.REFERENCE_USED, pay, keu=keu, rows=[rows[1]], reference="FIN-7")
    assert "FIN-7" in str(error.message)
    rows[1].refresh_from_db()
    assert rows[1].status == InstalmentStatus.APPROVED
    assert PaymentBatch.objects.count() == 1


def test_only_approved_instalments_are_paid_all_or_nothing(closed_round, leader, keu):
    participation, puser = paying_participation(closed_round, leader)
    (first, second, _final) = ready(participation)
    earn(participation, puser, leader, "2")
    open_instalment(participation, leader, first)
    approved = approve(leader, participation, first)
    services.rows_ensure(participations=[participation])
    open_row = ParticipationInstalment.objects.get(participation=participation, instalment=second)
    refused(services.NOT_APPROVED, pay, keu=keu, rows=[approved, open_row])
    approved.refresh_from_db()
    assert approved.status == InstalmentStatus.APPROVED and not PaymentBatch.objects.exists()


def test_withhold_with_a_reason_then_release_and_approve(part, leader):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    refused(
        services.REASON_REQUIRED,
        services.instalment_withhold,
        user=leader,
        participation=participation,
        instalment=first,
        reason="  ",
    )
    row = services.instalment_withhold(
        user=leader, participation=participation, instalment=first, reason="Statusrapporter mangler"
    )
    assert (row.status, row.withheld_reason) == (InstalmentStatus.WITHHELD, "Statusrapporter mangler")
    refused(
        services.WITHHELD,
        services.instalment_approve,
        user=leader,
        participation=participation,
        instalment=first,
    )
    row = services.instalment_release(
        user=leader, participation=participation, instalment=first, reason="Rapporterne er modtaget"
    )
    assert row.status == InstalmentStatus.OPEN and row.withheld_reason == "Statusrapporter mangler"
    assert approve(leader, participation, first).amount == Decimal("5494.00")
    refused(
        services.ALREADY_DECIDED,
        services.instalment_withhold,
        user=leader,
        participation=participation,
        instalment=first,
        reason="For sent",
    )


def test_nobody_decides_on_the_money_of_a_practice_they_act_for(part, leader):
    participation, puser, (first, *_rest) = part
    open_instalment(participation, leader, first)
    practice_grant(user=leader, practice=participation.practice)
    for fn, kw in (
        (services.instalment_approve, {}),
        (services.instalment_withhold, {"reason": "x"}),
        (services.instalment_release, {}),
    ):
        refused(services.OWN_PRACTICE, fn, user=leader, participation=participation, instalment=first, **kw)
    refused(
        services.OWN_PRACTICE,
        services.correction_add,
        user=leader,
        participation=participation,
        amount="100",
        reason="x",
    )


def test_the_keu_secretariat_cannot_approve_or_withhold_and_leaders_cannot_pay(part, leader, keu):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "1")
    open_instalment(participation, leader, first)
    refused(
        services.FORBIDDEN,
        services.instalment_approve,
        user=keu,
        participation=participation,
        instalment=first,
    )
    refused(
        services.FORBIDDEN,
        services.instalment_withhold,
        user=keu,
        participation=participation,
        instalment=first,
        reason="x",
    )
    row = approve(leader, participation, first)
    refused(services.FORBIDDEN, pay, keu=leader, rows=[row])
    refused(services.FORBIDDEN, pay, keu=puser, rows=[row])


def test_a_paid_amount_is_never_edited_or_deleted(part, leader, keu):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    row = approve(leader, participation, first)
    pay(keu, [row])
    row.refresh_from_db()
    row.amount = Decimal("1")
    refused(services.PAID_FIXED, row.save)
    refused(services.PAID_FIXED, row.delete)
    row.refresh_from_db()
    assert row.amount == Decimal("5494.00")


def test_a_correction_shows_in_the_next_instalment_and_a_larger_one_carries_forward(part, leader, keu):
    participation, puser, (first, second, final) = part
    earn(participation, puser, leader, "5")  # 5,494.00
    for inst in (first, second, final):
        open_instalment(participation, leader, inst)
    pay(keu, [approve(leader, participation, first)])
    refused(
        services.REASON_REQUIRED,
        services.correction_add,
        user=leader,
        participation=participation,
        amount="-100",
        reason="",
    )
    refused(
        services.ZERO_CORRECTION,
        services.correction_add,
        user=leader,
        participation=participation,
        amount="0",
        reason="x",
    )
    # 3 hours too many were paid: reversed, more than the next instalment's new earnings (1 h)
    services.correction_add(
        user=leader, participation=participation, amount="-3296.40", reason="3 timer registreret to gange"
    )
    earn(participation, puser, leader, "1", day=dt.date(2026, 6, 1))  # 1,098.80
    assert approve(leader, participation, second).amount == Decimal("0.00")  # never negative
    earn(participation, puser, leader, "4", day=dt.date(2026, 7, 1))  # 4,395.20
    # the final settlement: 4,395.20 + 1,098.80 - 3,296.40 carried forward
    assert approve(leader, participation, final).amount == Decimal("2197.60")
    refused(
        services.SETTLED,
        services.correction_add,
        user=leader,
        participation=participation,
        amount="10",
        reason="x",
    )
    assert MoneyCorrection.objects.count() == 1


def test_history_records_who_approved_and_paid(part, leader, keu):
    participation, puser, (first, *_rest) = part
    earn(participation, puser, leader, "1")
    open_instalment(participation, leader, first)
    row = approve(leader, participation, first)
    pay(keu, [row])
    history = list(row.history.order_by("history_id").values_list("status", "history_user_id"))
    assert history[-2:] == [(InstalmentStatus.APPROVED, leader.pk), (InstalmentStatus.PAID, keu.pk)]


def test_an_instalment_without_milestone_kinds_is_open_at_once(part, leader):
    participation, _puser, (first, *_rest) = part
    services.instalment_save(user=leader, instalment=first, name="Forskud", milestone_kinds=[])
    assert approve(leader, participation, first).amount == Decimal("0.00")
    close_kinds(participation, leader, [])


def test_approved_instalments_are_committed_and_paid_ones_paid_on_the_honoraria_line(part, leader, keu):
    from finance.selectors.budget import budget
    from finance.services.budget import budget_line_save

    participation, puser, (first, second, _final) = part
    line = budget_line_save(
        user=keu, round_obj=participation.round, name="Praksishonorarer", granted="100000", honoraria=True
    )
    other = budget_line_save(user=keu, round_obj=participation.round, name="Koordinering", granted="100")
    services.instalments_ensure(round_obj=participation.round)
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    open_instalment(participation, leader, second)
    pay(keu, [approve(leader, participation, first)])
    earn(participation, puser, leader, "1", day=dt.date(2026, 6, 1))
    approve(leader, participation, second)
    figures = {f.line: f for f in budget(participation.round).lines}
    assert (figures[line].paid, figures[line].committed) == (Decimal("5494.00"), Decimal("1098.80"))
    assert (figures[other].paid, figures[other].committed) == (Decimal("0"), Decimal("0"))
    # a period before the payment counts neither
    early = budget(participation.round, period=(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
    assert early.total.paid == Decimal("0") and early.total.committed == Decimal("0")


def test_an_instalment_moves_earned_money_into_the_budget_without_counting_it_twice(part, leader, keu):
    """The honoraria line's forecast counts what the practices earned once: before an instalment as
    earned, after it as committed or paid."""
    from finance.selectors.budget import budget
    from finance.services.budget import budget_line_save

    participation, puser, (first, _second, _final) = part
    line = budget_line_save(
        user=keu, round_obj=participation.round, name="Praksishonorarer", granted="100000", honoraria=True
    )
    services.instalments_ensure(round_obj=participation.round)
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)

    def forecast():
        return {f.line: f for f in budget(participation.round).lines}[line].forecast

    before = forecast()
    row = approve(leader, participation, first)
    assert forecast() == before  # now committed, no longer "earned and not in an instalment"
    pay(keu, [row])
    assert forecast() == before  # now paid
