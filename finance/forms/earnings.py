"""Forms of finance/ earnings: an entry, a leader's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField
from finance.forms.fields import QuantityField, reason_field
from ligepraksis.cpr import validate_no_cpr


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
