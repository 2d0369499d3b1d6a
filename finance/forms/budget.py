"""Forms of finance/ budget: an expense, a budget line, the page's period."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField
from finance.forms.fields import AmountField, reason_field
from ligepraksis.cpr import validate_no_cpr, validate_single_line


class ExpenseForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Budget line"), queryset=None, empty_label=None)
    description = forms.CharField(
        label=_("Description"), max_length=1000, validators=[validate_no_cpr, validate_single_line]
    )
    amount = AmountField(label=_("Amount (kr.)"), min_value=Decimal("0.01"), help_text=_("E.g. 1.098,80."))
    incurred_on = DanishDateField(label=_("Date"), help_text=_("E.g. 22.11.2026."))
    status = forms.ChoiceField(label=_("Status"), choices=())
    overspend_reason = reason_field(_("Reason for exceeding the line (only when it does)"))

    def __init__(self, *args, lines, **kwargs):
        from finance.models import ExpenseStatus

        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["status"].choices = ExpenseStatus.choices


class PeriodForm(forms.Form):
    """The budget page's period (both ends included; empty: the whole round)."""

    start = DanishDateField(label=_("From"), required=False)
    end = DanishDateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

    def period(self):
        if not self.is_bound or not self.is_valid():
            return None
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if not start and not end:
            return None
        import datetime as dt

        return (start or dt.date(2000, 1, 1), end or dt.date(2100, 12, 31))


class BudgetLineForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=150, validators=[validate_no_cpr, validate_single_line]
    )
    granted = AmountField(label=_("Granted (kr.)"), min_value=Decimal("0"))
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
    honoraria = forms.BooleanField(
        label=_("The practices' honoraria are paid from this line"), required=False
    )
