"""Forms of the milestones: a leader's close or reopen (with a reason), the round's template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField
from ligepraksis.cpr import validate_no_cpr
from ligepraksis.forms import CrispyFormMixin
from progress.selectors.milestones import SORT_BEHIND, SORTS


class MilestoneChangeForm(CrispyFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        help_text=_("Kept in the milestone's history."),
    )


class TemplateRowForm(forms.Form):
    """One row of the round's milestone template (the hour target's due date is the round's)."""

    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_no_cpr])
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767)
    due_date = DanishDateField(label=_("Due date"), required=False)


class DashboardSortForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("behind", _("furthest behind first")), ("name", _("practice name"))],
    )

    def sort_value(self) -> str:
        if self.is_valid() and self.cleaned_data.get("sort") in SORTS:
            return self.cleaned_data["sort"]
        return SORT_BEHIND
