"""Writes for the rates by region and year."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from finance import permissions
from finance.models import Rate, amount
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.models import Region
from ligepraksis.money import to_ore

RATE_YEAR_HAS_APPROVED = "rate_year_has_approved"

__all__ = ["amount", "rate_save", "RATE_YEAR_HAS_APPROVED"]  # amount: finance.models.rates


@transaction.atomic
def rate_save(*, user, region: Region, year: int, hourly: Decimal, per_km: Decimal) -> Rate:
    """Set a region's rates for a year (administrators and the region's project leaders). A year that
    already has approved amounts keeps its rates: a new rate never changes what was earned."""
    if not permissions.can_keep_rates(user, region):
        raise DomainError(_("You cannot change the rates of this region."), code="forbidden")
    rate = Rate.objects.select_for_update().filter(region=region, year=year).first()
    hourly, per_km = to_ore(hourly), to_ore(per_km)
    if rate is not None and (rate.hourly, rate.per_km) != (hourly, per_km):
        if rate.has_approved_amounts():
            raise DomainError(
                _("The rates of %(year)s cannot change: amounts of that year are already approved.")
                % {"year": year},
                code=RATE_YEAR_HAS_APPROVED,
            )
    if rate is None:
        rate = Rate(region=region, year=year)
    rate.hourly, rate.per_km = hourly, per_km
    validate_or_refuse(rate)
    rate._history_user = user  # who, also outside a request (commands, tasks)
    rate.save()
    return rate
