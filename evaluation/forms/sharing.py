"""Forms of interviews, the practice's evaluation and the knowledge-sharing register: they validate and
convert only (the services check the rules and validate the whole row again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DanishDateField, DanishDateTimeField
from evaluation.models import (
    Interview,
    InterviewStatus,
    KnowledgeItem,
    KnowledgeKind,
    KnowledgeStatus,
    PracticeEvaluation,
)
from evaluation.services.sharing import EVALUATION_FIELDS, INTERVIEW_FIELDS, KNOWLEDGE_FIELDS
from ligepraksis import formatting
from ligepraksis.concurrency import VersionField
from ligepraksis.forms import CrispyFormMixin


def _text(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class _VersionedForm(CrispyFormMixin, forms.ModelForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_unique(self):
        """The service checks the row whole, under a lock."""


class ParticipationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.practice.name


class InterviewForm(_VersionedForm):
    scheduled_at = DanishDateTimeField(label=_("Time"))

    class Meta:
        model = Interview
        fields = list(INTERVIEW_FIELDS)
        widgets = {"notes": _text(8)}


class InterviewNewForm(InterviewForm):
    """A new interview: with whom (one of the round's participating practices)."""

    participation = ParticipationChoiceField(label=_("Practice"), queryset=None)

    class Meta(InterviewForm.Meta):
        fields = ["participation", *INTERVIEW_FIELDS]

    def __init__(self, *args, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].queryset = participations
        self.fields["status"].initial = InterviewStatus.PLANNED
        del self.fields["version"]

    def _post_clean(self):
        """The model is validated by the service (which sets the interviewer)."""


class PracticeEvaluationForm(_VersionedForm):
    class Meta:
        model = PracticeEvaluation
        fields = list(EVALUATION_FIELDS)
        widgets = {
            "example": _text(4),
            "what_worked": _text(5),
            "what_did_not": _text(5),
            "learning_points": _text(5),
            "recommendations": _text(4),
        }
        help_texts = {
            "example": _("A few sentences about what you did: the postcard shows them, if you consent."),
            "learning_points": _("The postcard shows them too, if you consent."),
        }


class HourEntryField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{formatting.day(obj.worked_on)} · {formatting.hours_text(obj.hours)} · {obj.description}"


class KnowledgeItemForm(CrispyFormMixin, forms.ModelForm):
    happens_on = DanishDateField(label=_("Date"), required=False, help_text=_("E.g. 22.11.2026."))
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    hour_entries = HourEntryField(
        label=_("Evaluation hours logged for it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            'Hours are logged on the practice\'s money page, under "Evaluation and knowledge sharing".'
        ),
    )

    class Meta:
        model = KnowledgeItem
        fields = list(KNOWLEDGE_FIELDS)

    def __init__(self, *args, hour_entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hour_entries"].queryset = hour_entries
        if not hour_entries.exists():  # nothing to link (yet): no empty list of checkboxes
            del self.fields["hour_entries"]
        if self.instance.pk and not self.is_bound:
            self.initial["hour_entries"] = list(self.instance.hour_entries.values_list("pk", flat=True))

    def _post_clean(self):
        """The model is validated by the service (which knows the participation)."""

    def hour_entry_ids(self) -> list[int]:
        return [e.pk for e in self.cleaned_data.get("hour_entries") or ()]

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in KNOWLEDGE_FIELDS if name in self.cleaned_data}


class RegisterFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    practice = forms.TypedChoiceField(label=_("Practice"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, participations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *KnowledgeKind.choices]
        self.fields["status"].choices = [("", _("All statuses")), *KnowledgeStatus.choices]
        if participations is None:
            del self.fields["practice"]
        else:
            self.fields["practice"].choices = [("", _("All practices"))] + [
                (p.pk, p.practice.name) for p in participations
            ]

    def filters(self) -> dict:
        """The valid filters (an invalid value is ignored: the list shows everything)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
