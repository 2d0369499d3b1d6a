"""Factories for the instalment tests: a paying participation with its milestones and instalments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from finance.models import ItemKind, PayItem
from finance.services import earnings as earning_services
from finance.services import instalments as services
from progress.models import Milestone
from progress.services.milestones import milestone_close, milestones_ensure


def ready(participation):
    """The participation's milestones and its round's instalments made."""
    milestones_ensure(participations=[participation])
    return services.instalments_ensure(round_obj=participation.round)


def close_kinds(participation, leader, kinds):
    for m in Milestone.objects.filter(participation=participation, template__kind__in=list(kinds)):
        milestone_close(milestone=m, user=leader, reason="Gennemført")


def open_instalment(participation, leader, instalment):
    close_kinds(participation, leader, instalment.milestone_kinds)


def earn(participation, puser, leader, hours, day=dt.date(2026, 5, 4)):
    """Approved own-intervention hours (at 1,098.80 kr/h in 2026)."""
    entry = earning_services.entry_log(
        user=puser,
        participation=participation,
        item=PayItem.objects.get(round=participation.round, kind=ItemKind.OWN_INTERVENTION),
        worked_on=day,
        description="Arbejde med indsatsen",
        hours=Decimal(hours),
    )
    return earning_services.entry_decide(user=leader, entry=entry, approve=True)
