"""Forms of status reports: validate and convert only; the rules are in progress/services/reports.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ligepraksis import formatting
from ligepraksis.concurrency import VersionField
from ligepraksis.cpr import validate_no_cpr
from ligepraksis.forms import CrispyFormMixin
from progress.models.reports import TrafficLight


class _ReportTexts(CrispyFormMixin, forms.Form):
    progress = forms.CharField(
        label=_("How far has the practice come since the last report?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_cpr],
    )
    challenges = forms.CharField(
        label=_("Challenges"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr],
    )
    support_wanted = forms.CharField(
        label=_("Support the practice would like"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )
    traffic_light = forms.ChoiceField(
        label=_("How is it going? (traffic light)"),
        choices=TrafficLight.choices,
        widget=forms.RadioSelect,
    )


class StatusReportForm(_ReportTexts):
    """A new report, for one of the periods that have begun and have no report yet."""

    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    field_order = ["period", "progress", "challenges", "support_wanted", "traffic_light"]

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (p.number, f"{formatting.day(p.starts_on)}–{formatting.day(p.ends_on)}") for p in periods
        ]
        if periods:
            self.fields["period"].initial = periods[0].number


class StatusReportEditForm(_ReportTexts):
    version = VersionField()
