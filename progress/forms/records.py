"""Forms of the practice's records: validate and convert only (the services validate the whole row
again and save it versioned)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField
from ligepraksis.concurrency import VersionField
from ligepraksis.forms import CrispyFormMixin
from progress.models import ClinicModule, FollowupMeeting, Intervention, PdsaCycle
from progress.selectors.records import focus_categories, patient_groups
from progress.services.records import CLINIC_MODULE_FIELDS, FOLLOWUP_FIELDS, INTERVENTION_FIELDS, PDSA_FIELDS


class _RecordForm(CrispyFormMixin, forms.ModelForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_unique(self):
        """The service checks the row whole, under a lock."""


def _text(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class ClinicModuleForm(_RecordForm):
    held_on = DanishDateField(label=_("Date held"), help_text=_("E.g. 22.11.2026."))

    class Meta:
        model = ClinicModule
        fields = list(CLINIC_MODULE_FIELDS)
        widgets = {"challenges": _text(5)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient_group"].queryset = patient_groups()
        self.fields["focus"].queryset = focus_categories()
        for name in ("doctors", "staff"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 200, "inputmode": "numeric"})


class FollowupForm(_RecordForm):
    held_on = DanishDateField(label=_("Date held"), help_text=_("E.g. 22.11.2026."))

    class Meta:
        model = FollowupMeeting
        fields = list(FOLLOWUP_FIELDS)
        widgets = {"participants": _text(3), "decisions": _text(5)}


class InterventionForm(_RecordForm):
    class Meta:
        model = Intervention
        fields = list(INTERVENTION_FIELDS)
        widgets = {"aims": _text(4), "changes_planned": _text(4), "participants": _text(2)}


class PdsaCycleForm(_RecordForm):
    plan_on = DanishDateField(label=_("Planned on"))
    do_on = DanishDateField(label=_("Tried on"), required=False)
    study_on = DanishDateField(label=_("Studied on"), required=False)
    act_on = DanishDateField(label=_("Acted on"), required=False)

    class Meta:
        model = PdsaCycle
        fields = list(PDSA_FIELDS)
        widgets = {name: _text(3) for name in ("plan", "do", "study", "act")}
