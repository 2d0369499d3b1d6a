"""Forms of finance/ items: one item of what the round pays for, switched on or off, its cap."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from finance.forms.fields import QuantityField


class PayItemForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    enabled = forms.BooleanField(label=_("Paid in this round"), required=False)
    cap = QuantityField(label=_("Cap (hours, or km for transport)"))  # help text per item: the view
