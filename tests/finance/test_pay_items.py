"""What the round pays for, changed by its project leaders through a service: items switched on and
off, caps; a cap below what is already approved is refused in Danish, nothing half-saved, every
change kept in the history; and the page that does it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import ItemKind, PayItem
from finance.services import earnings as services
from finance.services.items import CAP_BELOW_APPROVED, CAP_REQUIRED, FORBIDDEN, ITEM_IN_USE, pay_item_save
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.conftest import make_user
from tests.finance.factories import paying_participation
from tests.helpers import login


@pytest.fixture
def part(closed_round, leader):
    return paying_participation(closed_round, leader)


def _own(round_obj) -> PayItem:
    return PayItem.objects.get(round=round_obj, kind=ItemKind.OWN_INTERVENTION)


def _log(participation, puser, hours, *, kind=ItemKind.OWN_INTERVENTION):
    return services.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=participation.round, kind=kind),
        worked_on=dt.date(2026, 3, 1),
        hours=Decimal(hours),
        description="Møde om indsatsen",
    )


def test_a_leader_switches_an_item_on_and_sets_its_cap(part, leader, closed_round):
    evaluation = PayItem.objects.get(round=closed_round, kind=ItemKind.EVALUATION)
    assert not evaluation.enabled
    pay_item_save(user=leader, item=evaluation, enabled=True, cap=Decimal("8"))
    evaluation.refresh_from_db()
    assert (evaluation.enabled, evaluation.cap) == (True, Decimal("8.00"))
    history = list(evaluation.history.order_by("history_date").values_list("enabled", "cap", "history_user"))
    assert history[-2:] == [(False, Decimal("6.00"), None), (True, Decimal("8.00"), leader.pk)]


def test_a_cap_below_what_is_already_approved_is_refused(part, leader, closed_round):
    participation, puser = part
    services.entry_decide(user=leader, entry=_log(participation, puser, "5"), approve=True)
    _log(participation, puser, "4")  # pending: does not hold the cap up
    with pytest.raises(DomainError) as exc:
        pay_item_save(user=leader, item=_own(closed_round), enabled=True, cap=Decimal("4.75"))
    assert exc.value.code == CAP_BELOW_APPROVED
    assert "Loftet kan ikke være lavere end det, der allerede er godkendt: 5 timer" in str(exc.value.message)
    assert _own(closed_round).cap == Decimal("20.00")
    pay_item_save(user=leader, item=_own(closed_round), enabled=True, cap=Decimal("5"))
    assert _own(closed_round).cap == Decimal("5.00")
    # the pending 4 hours now lie beyond the cap: approving them is refused
    pending = participation.earning_entries.get(status="pending")
    with pytest.raises(DomainError) as exc:
        services.entry_decide(user=leader, entry=pending, approve=True)
    assert exc.value.code == services.OVER_CAP


def test_an_item_with_approved_amounts_is_not_switched_off(part, leader, closed_round):
    participation, puser = part
    services.entry_decide(user=leader, entry=_log(participation, puser, "2"), approve=True)
    with pytest.raises(DomainError) as exc:
        pay_item_save(user=leader, item=_own(closed_round), enabled=False, cap=Decimal("20"))
    assert exc.value.code == ITEM_IN_USE
    assert _own(closed_round).enabled


def test_the_start_up_meetings_cap_is_not_lowered_once_a_coordinator_attended(closed_round, leader, part):
    from activities.models import ActivityKind
    from tests.activities.service_factories import make_activity
    from tests.activities.test_hours import at, held

    participation, puser = part
    app = participation.application
    startup = make_activity(
        closed_round, title="Opstartsmøde", kind=ActivityKind.STARTUP, hours="3", required=True
    )
    held(startup, at(2026, 1, 20), puser, participation.practice, leader, present=[app.doctor_coordinator])
    item = PayItem.objects.get(round=closed_round, kind=ItemKind.STARTUP)
    with pytest.raises(DomainError) as exc:
        pay_item_save(user=leader, item=item, enabled=True, cap=Decimal("1"))
    assert exc.value.code == CAP_BELOW_APPROVED
    with pytest.raises(DomainError) as exc:
        pay_item_save(user=leader, item=item, enabled=True, cap=None)
    assert exc.value.code == CAP_REQUIRED
    pay_item_save(user=leader, item=item, enabled=True, cap=Decimal("2"))


def test_the_inspiration_cap_is_not_lowered_below_counted_hours(closed_round, leader, part):
    from activities.models import ClaimStatus
    from tests.activities.test_hours import claim

    participation, _puser = part
    claim(
        participation, participation.application.doctor_coordinator, "6", ClaimStatus.APPROVED, leader=leader
    )
    item = PayItem.objects.get(round=closed_round, kind=ItemKind.INSPIRATION)
    with pytest.raises(DomainError) as exc:
        pay_item_save(user=leader, item=item, enabled=True, cap=Decimal("5"))
    assert exc.value.code == CAP_BELOW_APPROVED
    pay_item_save(user=leader, item=item, enabled=True, cap=Decimal("6"))


@pytest.mark.parametrize("role", [Role.KEU, Role.STEERING, Role.CONSULTANT, Role.EVALUATOR])
def test_only_the_rounds_project_leaders_change_what_it_pays_for(part, closed_round, role):
    scope = {"region": closed_round.region} if role == Role.KEU else {"round": closed_round}
    with pytest.raises(DomainError) as exc:
        pay_item_save(
            user=make_user(role=role, **scope), item=_own(closed_round), enabled=True, cap=Decimal("1")
        )
    assert exc.value.code == FORBIDDEN


def test_a_negative_cap_is_refused(part, leader, closed_round):
    with pytest.raises(DomainError):
        pay_item_save(user=leader, item=_own(closed_round), enabled=True, cap=Decimal("-1"))
    assert _own(closed_round).cap == Decimal("20.00")


def test_the_page_lists_the_items_and_changes_one(client, part, leader, closed_round):
    url = reverse("finance:pay_items", args=[closed_round.pk])
    html = login(client, leader).get(url).content.decode()
    assert html.count('data-row="item"') == 5
    own = _own(closed_round)
    response = client.post(url, {"item": own.pk, "enabled": "on", "cap": "12,5"})
    assert response.status_code == 302
    assert _own(closed_round).cap == Decimal("12.50")


def test_the_page_shows_the_refusal_in_danish(client, part, leader, closed_round):
    participation, puser = part
    services.entry_decide(user=leader, entry=_log(participation, puser, "5"), approve=True)
    url = reverse("finance:pay_items", args=[closed_round.pk])
    response = login(client, leader).post(url, {"item": _own(closed_round).pk, "enabled": "on", "cap": "3"})
    assert response.status_code == 200
    assert (
        "Loftet kan ikke være lavere end det, der allerede er godkendt: 5 timer" in response.content.decode()
    )
    assert _own(closed_round).cap == Decimal("20.00")


def test_the_admin_shows_the_items_but_changes_them_only_through_the_page(client, part, closed_round):
    admin = make_user("admin@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    own = _own(closed_round)
    login(client, admin)
    assert client.get(reverse("admin:finance_payitem_changelist")).status_code == 200
    response = client.post(
        reverse("admin:finance_payitem_change", args=[own.pk]),
        {"round": closed_round.pk, "kind": own.kind, "enabled": "on", "cap": "0"},
    )
    assert response.status_code == 403
    assert _own(closed_round).cap == Decimal("20.00")
    # an administrator keeps them on the page
    url = reverse("finance:pay_items", args=[closed_round.pk])
    assert client.post(url, {"item": own.pk, "enabled": "on", "cap": "25"}).status_code == 302
    assert _own(closed_round).cap == Decimal("25.00")
