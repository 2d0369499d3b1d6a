"""Rates by region and year: an hour is paid at the rate of the year it was worked."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.money import to_ore

__all__ = ["Rate", "amount"]


def amount(quantity: Decimal, rate: Decimal) -> Decimal:
    """Hours (or km) times a rate, to the øre (ROUND_HALF_UP): 56 h at 1,098.80 kr. is 61,532.80 kr.
    Floats are refused: they are not money."""
    if isinstance(quantity, float) or isinstance(rate, float):
        raise TypeError("Quantities and rates must be Decimal, int or str, never float")
    return to_ore(Decimal(quantity) * Decimal(rate))


class Rate(models.Model):
    """The consultant rate per hour (the same for doctors and staff) and the transport rate per km of
    one region in one year (seed 001: 2026, 1,098.80 kr/h and 3.94 kr/km)."""

    region = models.ForeignKey(
        "ligepraksis.Region", on_delete=models.PROTECT, related_name="rates", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    hourly = models.DecimalField(
        _("consultant rate per hour (kr.)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    per_km = models.DecimalField(
        _("transport rate per km (kr.)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords(verbose_name=_("historical rate"))

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="finance_rate_one_per_region_year"),
            models.CheckConstraint(
                condition=Q(hourly__gte=0) & Q(per_km__gte=0), name="finance_rate_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year}"

    def has_approved_amounts(self) -> bool:
        """The year has approved amounts in the region: its rates are fixed (a new rate never changes
        what was earned). Approved amounts: approved entries, and the hours earned from the activities
        ledger (attendance taken, approved hour claims) in the region's rounds that year. The one home
        of the rule: the service, the admin's form and delete ask it."""
        from activities.models import ClaimStatus, HourClaim, Registration
        from activities.selectors import ATTENDED
        from finance.models.earnings import EarningEntry, EntryStatus

        return (
            EarningEntry.objects.filter(
                participation__round__region_id=self.region_id,
                worked_on__year=self.year,
                status=EntryStatus.APPROVED,
            ).exists()
            or Registration.objects.filter(
                ATTENDED,
                session__activity__round__region_id=self.region_id,
                session__starts_at__year=self.year,
            ).exists()
            or HourClaim.objects.filter(
                round__region_id=self.region_id, occurred_on__year=self.year, status=ClaimStatus.APPROVED
            ).exists()
        )

    def clean(self):
        super().clean()
        if not self.pk:
            return
        stored = Rate.objects.filter(pk=self.pk).first()
        if stored is None:
            return
        same = (stored.region_id, stored.year, stored.hourly, stored.per_km) == (
            self.region_id,
            self.year,
            self.hourly,
            self.per_km,
        )
        if not same and stored.has_approved_amounts():
            raise ValidationError(
                _("The rates of %(year)s cannot change: amounts of that year are already approved.")
                % {"year": stored.year},
                code="rate_year_has_approved",
            )
