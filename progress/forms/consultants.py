"""progress/ consultants: forms (see progress/__init__.py). They validate and convert; the rules
(budget, who may, dates) are in progress/services/consultants.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField, HoursField
from ligepraksis.cpr import validate_no_cpr, validate_single_line
from ligepraksis.forms import CrispyFormMixin
from progress.models.consultants import NOTE_MAX_LENGTH, ConsultantKind


class ConsultantSessionForm(CrispyFormMixin, forms.Form):
    held_on = DanishDateField(label=_("Date"), help_text=_("E.g. 22.11.2026."))
    hours = HoursField(label=_("Hours"), help_text=_("E.g. 1,5."))
    kind = forms.ChoiceField(label=_("Kind of consultant"), choices=ConsultantKind.choices)
    topic = forms.CharField(
        label=_("Topic"), max_length=200, validators=[validate_no_cpr, validate_single_line]
    )
    note = forms.CharField(
        label=_("Short note"),
        help_text=_(
            "Shown to the practice, its consultant and the project leaders; not to the steering group."
        ),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )


class ConsultantBudgetRaiseForm(CrispyFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of consultant"), choices=ConsultantKind.choices)
    hours = HoursField(label=_("Extra hours"), help_text=_("E.g. 2."))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )


class AssignConsultantForm(forms.Form):
    """One row of the leaders' assignment page: a participation and its consultant (empty: none)."""

    participation = forms.IntegerField(widget=forms.HiddenInput)
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=None, required=False)

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants
        self.fields["consultant"].empty_label = _("No consultant")
