"""finance/ forms, one module per topic (see finance/__init__.py). They validate and convert only;
the rules (ranges, caps, overspending) are the services'."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField, HoursField
from ligepraksis.cpr import validate_no_cpr, validate_single_line


class AmountField(forms.DecimalField):
    """Kroner as people type them: 1.098,80 or 1098.80."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("kr.", "").replace("kr", "")
            if "," in value:  # Danish: dots group thousands, the comma is the decimal mark
                value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)


class QuantityField(HoursField):
    """Hours or km: the range is the service's rule (one entry, one trip)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", None)
        kwargs.setdefault("max_value", None)
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def reason_field(label, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )


class EntryForm(forms.Form):
    item = forms.ModelChoiceField(label=_("What for"), queryset=None, empty_label=None)
    worked_on = DanishDateField(label=_("Date"), help_text=_("E.g. 22.11.2026."))
    hours = QuantityField(label=_("Hours"), help_text=_("E.g. 1,5. Not for transport."))
    km = QuantityField(label=_("Km"), help_text=_("For transport only: the km of the trip."))
    description = forms.CharField(
        label=_("What the time was spent on"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class EntryDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = reason_field(_("Reason (required when rejecting)"))


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


class RateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    hourly = AmountField(label=_("Consultant rate per hour (kr.)"), min_value=Decimal("0"))
    per_km = AmountField(label=_("Transport rate per km (kr.)"), min_value=Decimal("0"))


class BudgetLineForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=150, validators=[validate_no_cpr, validate_single_line]
    )
    granted = AmountField(label=_("Granted (kr.)"), min_value=Decimal("0"))
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
