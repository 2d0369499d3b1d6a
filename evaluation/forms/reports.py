"""Forms of the reports page: the KEU status report's date and variant, the postcards' practice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Participation
from evaluation.selectors.sharing import published_postcards


class KeuReportForm(forms.Form):
    as_of = forms.DateField(label=_("Figures as of"))
    variant = forms.ChoiceField(
        label=_("Variant"),
        choices=(
            ("full", _("Full")),
            ("aggregate", _("Aggregate only (no figure for fewer than 3 practices)")),
        ),
    )


class PostcardsForm(forms.Form):
    participation = forms.ModelChoiceField(
        label=_("Practice"), queryset=None, required=False, empty_label=_("All consenting practices")
    )

    def __init__(self, *args, round_obj, **kwargs):
        super().__init__(*args, **kwargs)
        ids = published_postcards(round_obj.pk).values("participation_id")
        field = self.fields["participation"]
        field.queryset = (
            Participation.objects.filter(pk__in=ids).select_related("practice").order_by("practice__name")
        )
        field.label_from_instance = lambda p: p.practice.name
