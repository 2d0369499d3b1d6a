"""Forms of finance/ rates."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from finance.forms.fields import AmountField


class RateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    hourly = AmountField(label=_("Consultant rate per hour (kr.)"), min_value=Decimal("0"))
    per_km = AmountField(label=_("Transport rate per km (kr.)"), min_value=Decimal("0"))
