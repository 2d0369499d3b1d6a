"""Earnings through the services: the check figures of the issue, the rate of the year worked
(across New Year), the caps of each item, the entry rules and who decides."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Participation
from finance.models import EarningEntry, EntryStatus, ItemKind, Rate
from finance.selectors.earnings import earnings, earnings_of
from finance.services import earnings as services
from finance.services import rates as rate_services
from finance.services.rates import amount
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from ligepraksis.money import format_kr
from practices.services import practice_grant
from tests.conftest import make_user
from tests.finance.factories import item, paying_participation, rates


@pytest.mark.parametrize(
    "hours, expected",
    [("5", "5.494,00 kr."), ("56", "61.532,80 kr."), ("1.5", "1.648,20 kr."), ("10", "10.988,00 kr.")],
)
def test_check_figures_at_the_2026_rate(hours, expected):
    assert format_kr(amount(Decimal(hours), Decimal("1098.80"))) == expected


def test_amount_refuses_a_float():
    with pytest.raises(TypeError):
        amount(5.0, Decimal("1098.80"))


@pytest.fixture
def part(closed_round, leader):
    participation, puser = paying_participation(closed_round, leader)
    return participation, puser


def _log(puser, participation, kind, **kw):
    from finance.models import PayItem

    return services.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=participation.round, kind=kind),
        worked_on=kw.pop("day", dt.date(2026, 5, 1)),
        description=kw.pop("text", "Arbejde med indsatsen"),
        **kw,
    )


def _approve(leader, entry):
    return services.entry_decide(user=leader, entry=entry, approve=True)


def _row(participation, kind):
    return next(i for i in earnings_of(participation).items if i.kind == kind)


@pytest.mark.parametrize("hours, expected", [("5", "5494.00"), ("10", "10988.00"), ("1.5", "1648.20")])
def test_approved_own_intervention_hours_earn_the_check_figures(part, leader, hours, expected):
    participation, puser = part
    _approve(leader, _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal(hours)))
    row = _row(participation, ItemKind.OWN_INTERVENTION)
    assert row.quantity == Decimal(hours)
    assert row.amount == Decimal(expected)


def test_56_hours_earn_61532_80_to_the_ore(part, leader):
    participation, puser = part
    item(participation.round, ItemKind.OWN_INTERVENTION, cap="60")
    for day in range(1, 8):  # 7 days of 8 hours
        _approve(
            leader,
            _log(
                puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("8"), day=dt.date(2026, 6, day)
            ),
        )
    assert _row(participation, ItemKind.OWN_INTERVENTION).amount == Decimal("61532.80")
    assert earnings_of(participation).total == Decimal("61532.80")


def test_an_hour_is_paid_at_the_rate_of_the_year_it_was_worked(part, leader):
    participation, puser = part
    rates(participation.round.region, year=2027, hourly=Decimal("1120.00"))
    _approve(
        leader,
        _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"), day=dt.date(2026, 12, 31)),
    )
    _approve(
        leader,
        _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("3"), day=dt.date(2027, 1, 1)),
    )
    row = _row(participation, ItemKind.OWN_INTERVENTION)
    assert [(p.year, p.quantity, p.amount) for p in row.parts] == [
        (2026, Decimal("2"), Decimal("2197.60")),
        (2027, Decimal("3"), Decimal("3360.00")),
    ]
    assert row.amount == Decimal("5557.60")
    # A new year's rate never changes what an earlier year earned; a year with approved amounts keeps
    # its rate.
    with pytest.raises(DomainError) as exc:
        rate_services.rate_save(
            user=leader,
            region=participation.round.region,
            year=2026,
            hourly=Decimal("1200"),
            per_km=Decimal("3.94"),
        )
    assert exc.value.code == rate_services.RATE_YEAR_HAS_APPROVED
    assert Rate.objects.get(region=participation.round.region, year=2026).hourly == Decimal("1098.80")
    rate_services.rate_save(
        user=leader,
        region=participation.round.region,
        year=2028,
        hourly=Decimal("1150"),
        per_km=Decimal("4"),
    )
    assert _row(participation, ItemKind.OWN_INTERVENTION).amount == Decimal("5557.60")


def test_a_year_without_a_rate_is_shown_without_an_amount(part, leader):
    participation, puser = part
    _approve(
        leader,
        _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"), day=dt.date(2027, 2, 1)),
    )
    result = earnings_of(participation)
    assert result.missing_rate_years == [2027]
    assert result.total == 0


def test_transport_km_at_the_km_rate_where_the_round_allows_it(part, leader):
    participation, puser = part
    with pytest.raises(DomainError) as exc:
        _log(puser, participation, ItemKind.TRANSPORT, km=Decimal("42"))
    assert exc.value.code == services.ITEM_OFF
    item(participation.round, ItemKind.TRANSPORT, enabled=True)
    _approve(leader, _log(puser, participation, ItemKind.TRANSPORT, km=Decimal("42")))
    assert _row(participation, ItemKind.TRANSPORT).amount == Decimal("165.48")  # 42 x 3.94


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"hours": Decimal("0.2")}, services.HOURS_RANGE),
        ({"hours": Decimal("24.25")}, services.HOURS_RANGE),
        ({}, services.HOURS_RANGE),
    ],
)
def test_hours_outside_a_quarter_and_a_day_are_refused(part, kw, code):
    participation, puser = part
    with pytest.raises(DomainError) as exc:
        _log(puser, participation, ItemKind.OWN_INTERVENTION, **kw)
    assert exc.value.code == code
    assert not EarningEntry.objects.exists()


@pytest.mark.parametrize("km", [Decimal("-1"), Decimal("500.1")])
def test_km_outside_0_to_500_per_trip_are_refused(part, km):
    participation, puser = part
    item(participation.round, ItemKind.TRANSPORT, enabled=True)
    with pytest.raises(DomainError) as exc:
        _log(puser, participation, ItemKind.TRANSPORT, km=km)
    assert exc.value.code == services.KM_RANGE
    assert not EarningEntry.objects.exists()


def test_hours_beyond_the_items_cap_are_refused(part, leader):
    participation, puser = part
    item(participation.round, ItemKind.EVALUATION, enabled=True)  # at most 6 hours (seed 000)
    _log(puser, participation, ItemKind.EVALUATION, hours=Decimal("4"))
    with pytest.raises(DomainError) as exc:
        _log(puser, participation, ItemKind.EVALUATION, hours=Decimal("2.5"))
    assert exc.value.code == services.OVER_CAP
    _log(puser, participation, ItemKind.EVALUATION, hours=Decimal("2"))
    assert EarningEntry.objects.count() == 2


def test_evaluation_is_paid_only_where_the_round_switches_it_on(part):
    participation, puser = part
    with pytest.raises(DomainError) as exc:
        _log(puser, participation, ItemKind.EVALUATION, hours=Decimal("2"))
    assert exc.value.code == services.ITEM_OFF
    assert ItemKind.EVALUATION not in [i.kind for i in earnings_of(participation).items]


def test_a_cpr_number_in_the_description_is_refused(part):
    participation, puser = part
    with pytest.raises(DomainError):
        _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"), text="Patient 010190-1234")
    assert not EarningEntry.objects.exists()


def test_a_leader_of_the_practice_cannot_decide_its_money(part, leader):
    participation, puser = part
    entry = _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"))
    practice_grant(user=leader, practice=participation.practice)
    from ligepraksis.permissions import forget_grants

    forget_grants(leader)
    with pytest.raises(DomainError) as exc:
        services.entry_decide(user=leader, entry=entry, approve=True)
    assert exc.value.code == services.OWN_PRACTICE
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING


def test_the_keu_secretariat_cannot_decide_entries(part, closed_round):
    participation, puser = part
    entry = _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"))
    keu = make_user(role=Role.KEU, region=closed_round.region)
    with pytest.raises(DomainError) as exc:
        services.entry_decide(user=keu, entry=entry, approve=True)
    assert exc.value.code == services.FORBIDDEN


def test_a_rejection_needs_a_reason_and_a_decision_is_made_once(part, leader):
    participation, puser = part
    entry = _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"))
    with pytest.raises(DomainError) as exc:
        services.entry_decide(user=leader, entry=entry, approve=False, reason=" ")
    assert exc.value.code == services.REASON_REQUIRED
    services.entry_decide(user=leader, entry=entry, approve=False, reason="Ikke en del af indsatsen")
    with pytest.raises(DomainError) as exc:
        services.entry_decide(user=leader, entry=entry, approve=True)
    assert exc.value.code == services.ALREADY_DECIDED
    assert _row(participation, ItemKind.OWN_INTERVENTION).amount == 0


def test_every_change_of_an_entry_is_in_its_history(part, leader):
    participation, puser = part
    entry = _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2"))
    services.entry_decide(user=leader, entry=entry, approve=True)
    history = list(
        entry.history.order_by("history_date").values_list("status", "history_type", "history_user")
    )
    assert history == [(EntryStatus.PENDING, "+", puser.pk), (EntryStatus.APPROVED, "~", leader.pk)]


def test_earnings_take_the_same_queries_for_one_and_many_participations(closed_round, leader):
    parts = [paying_participation(closed_round, leader)[0] for _ in range(3)]
    with CaptureQueriesContext(connection) as one:
        earnings(Participation.objects.filter(pk=parts[0].pk))
    with CaptureQueriesContext(connection) as many:
        result = earnings(Participation.objects.filter(pk__in=[p.pk for p in parts]))
    assert len(result) == 3
    assert len(one) == len(many)


def test_the_start_up_meeting_and_inspiration_hours_are_earned_from_the_ledger(closed_round, leader, part):
    from activities.models import ActivityKind, ClaimStatus
    from tests.activities.service_factories import make_activity
    from tests.activities.test_hours import at, claim, held

    participation, puser = part
    app = participation.application
    doctor, staff = app.doctor_coordinator, app.staff_coordinator
    startup = make_activity(
        closed_round, title="Opstartsmøde", kind=ActivityKind.STARTUP, hours="3", required=True
    )
    held(startup, at(2026, 1, 20), puser, participation.practice, leader, present=[doctor, staff])
    webinar = make_activity(closed_round, hours="4")
    held(webinar, at(2026, 3, 10), puser, participation.practice, leader, present=[doctor, staff])
    claim(participation, doctor, "3", ClaimStatus.APPROVED, leader=leader)
    claim(participation, staff, "5", ClaimStatus.PENDING)  # pending: not earned

    by_kind = {i.kind: i for i in earnings_of(participation).items}
    # 1.5 h per coordinator who attended, whatever the meeting's length
    assert by_kind[ItemKind.STARTUP].quantity == Decimal("3")
    assert by_kind[ItemKind.STARTUP].amount == Decimal("3296.40")
    # 8 attended + 3 approved = 11 hours, capped at the round's hour target of 10
    assert by_kind[ItemKind.INSPIRATION].quantity == Decimal("10")
    assert by_kind[ItemKind.INSPIRATION].over_cap == Decimal("1")
    assert by_kind[ItemKind.INSPIRATION].amount == Decimal("10988.00")


def test_the_admin_keeps_the_rates_of_a_year_with_approved_amounts(client, part, leader):
    from django.urls import reverse

    from tests.helpers import login

    participation, puser = part
    _approve(leader, _log(puser, participation, ItemKind.OWN_INTERVENTION, hours=Decimal("2")))
    rate = Rate.objects.get(region=participation.round.region, year=2026)
    admin = make_user("admin@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    url = reverse("admin:finance_rate_change", args=[rate.pk])
    response = login(client, admin).post(
        url, {"region": rate.region_id, "year": "2026", "hourly": "1200.00", "per_km": "3.94"}
    )
    assert response.status_code == 200  # the form again, with the refusal
    rate.refresh_from_db()
    assert rate.hourly == Decimal("1098.80")
    assert client.get(reverse("admin:finance_rate_delete", args=[rate.pk])).status_code == 403


def test_a_leader_sets_next_years_rates_on_the_rates_page(client, part, leader):
    from django.urls import reverse

    from tests.helpers import login

    participation, _puser = part
    url = reverse("finance:rates", args=[participation.round.region_id])
    response = login(client, leader).post(url, {"year": "2027", "hourly": "1.131,80", "per_km": "3,94"})
    assert response.status_code == 302
    assert Rate.objects.get(region=participation.round.region, year=2027).hourly == Decimal("1131.80")
    assert "1.131,80 kr." in client.get(url).content.decode()
