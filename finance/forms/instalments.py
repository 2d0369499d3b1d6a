"""Forms of finance/ instalments: a leader's decision on an instalment, a correction, an instalment's
milestones, and the KEU secretariat's payment of a batch."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField
from finance.forms.fields import AmountField, reason_field
from ligepraksis.cpr import validate_no_cpr
from progress.models import MilestoneKind

APPROVE, WITHHOLD, RELEASE = "approve", "withhold", "release"


class InstalmentDecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (WITHHOLD, _("Withhold")), (RELEASE, _("Release"))],
    )
    reason = reason_field(_("Reason (required for withholding; shown to the practice)"))


class CorrectionForm(forms.Form):
    amount = AmountField(
        label=_("Amount (kr.)"),
        help_text=_("Positive adds, negative (e.g. -1.098,80) reverses. It counts in the next instalment."),
    )
    reason = reason_field(_("Reason"), required=True)


class InstalmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_no_cpr])
    milestone_kinds = forms.MultipleChoiceField(
        label=_("Milestones that open it"),
        choices=MilestoneKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PaymentForm(forms.Form):
    rows = forms.TypedMultipleChoiceField(label=_("Instalments paid"), coerce=int, choices=())
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=60,
        validators=[validate_no_cpr],
        help_text=_("The finance system's reference of the batch."),
    )
    paid_on = DanishDateField(label=_("Paid on"), help_text=_("E.g. 22.11.2026."))

    def __init__(self, *args, row_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rows"].choices = [(pk, pk) for pk in row_ids]
