"""Factories for the finance tests: a participating practice with its round's paid items and rates."""

from __future__ import annotations

from decimal import Decimal

from finance.models import ItemKind, PayItem, Rate
from finance.services.earnings import pay_items_ensure
from tests.activities.service_factories import participate

HOURLY_2026 = Decimal("1098.80")
PER_KM_2026 = Decimal("3.94")


def rates(region, year=2026, hourly=HOURLY_2026, per_km=PER_KM_2026) -> Rate:
    return Rate.objects.update_or_create(
        region=region, year=year, defaults={"hourly": hourly, "per_km": per_km}
    )[0]


def item(round_obj, kind: str, *, enabled=True, cap="keep") -> PayItem:
    pay_items_ensure(round_obj=round_obj)
    obj = PayItem.objects.get(round=round_obj, kind=kind)
    obj.enabled = enabled
    if cap != "keep":
        obj.cap = None if cap is None else Decimal(cap)
    obj.save()
    return obj


def paying_participation(round_obj, leader, **kw):
    """(participation, practice user) of a round with the default items and the 2026 rates."""
    rates(round_obj.region)
    pay_items_ensure(round_obj=round_obj)
    return participate(round_obj, leader, **kw)


__all__ = ["HOURLY_2026", "ItemKind", "PER_KM_2026", "item", "paying_participation", "rates"]
