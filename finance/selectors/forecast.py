"""What the practices of a round have earned and can still earn under the caps, for the budget's
forecast (the line the practices' honoraria are paid from).

For each active participation and each item the round pays for: the cap minus what is earned, never
below 0, at the current year's rate (a year without its rate yet: the latest earlier year's). The
start-up meeting's cap is per coordinator, for the practice's two coordinators (a doctor and a member
of staff); the inspiration activities' is the round's hour target; an item without a cap (transport
by default) is not forecast and is named. The earnings come from `finance.selectors.earnings`, a fixed
number of queries however many participations.

What is earned (by every participation, also those that withdrew) counts in the forecast as long as
it is not yet committed or paid in the budget: the instalments to the practices (issue 11, second
half) take it from here into committed and paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from finance.models import ItemKind, PayItem
from finance.models.rates import amount
from finance.selectors.earnings import earnings, round_participations
from finance.selectors.rates import rates_by_region_year

ZERO = Decimal("0")
COORDINATORS = 2  # the start-up meeting's cap is per coordinator: a doctor and a member of staff


@dataclass
class StillEarnable:
    amount: Decimal = ZERO  # what the practices can still earn under the caps, at the current rate
    earned: Decimal = ZERO  # what they have earned so far (approved), at the rates of the years worked
    rate_year: int | None = None  # the year whose rate the forecast uses (None: no rate at all)
    uncapped: list[PayItem] = field(default_factory=list)  # items without a cap: not forecast


def _item_cap(item: PayItem, round_obj) -> Decimal | None:
    cap = item.cap_for(round_obj)
    if cap is not None and item.kind == ItemKind.STARTUP:
        return cap * COORDINATORS
    return cap


def _rate_for(rates: dict, region_id: int, year: int):
    years = [y for (r, y) in rates if r == region_id and y <= year]
    if not years:
        return None, None
    best = max(years)
    return rates[(region_id, best)], best


def still_earnable(round_obj, *, today: dt.date | None = None) -> StillEarnable:
    today = today or timezone.localdate()
    result = StillEarnable()
    rates = rates_by_region_year([round_obj.region_id])
    rate, result.rate_year = _rate_for(rates, round_obj.region_id, today.year)
    uncapped = {}
    for row in earnings(round_participations(round_obj, active_only=False)):
        result.earned += row.total
        if row.participation.ended_at is not None:
            continue  # a practice that withdrew keeps what it earned and earns no more
        for item_row in row.items:
            cap = _item_cap(item_row.item, round_obj)
            if cap is None:
                uncapped[item_row.item.pk] = item_row.item
                continue
            left = max(cap - item_row.quantity, ZERO)
            if left and rate is not None:
                result.amount += amount(left, rate.per_km if item_row.is_km else rate.hourly)
    result.uncapped = sorted(uncapped.values(), key=lambda i: ItemKind.values.index(i.kind))
    return result
