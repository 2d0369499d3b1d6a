"""Forms of the questionnaires: the questionnaire, a question, and the answer form built from the
questions (the service checks every value again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Phase, QuestionKind
from ligepraksis.cpr import validate_no_cpr


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_no_cpr])
    intro = forms.CharField(
        label=_("Introduction"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, widget=forms.RadioSelect)
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        initial=True,
        help_text=_("Answers are then stored without the practice, the person and the time of day."),
    )
    remind_after_days = forms.IntegerField(
        label=_("Reminder after (days)"), min_value=1, max_value=60, initial=7
    )
    milestone = forms.ModelChoiceField(
        label=_("Milestone"),
        queryset=None,
        required=False,
        help_text=_(
            'Only for the phase "when a milestone closes": a practice\'s coordinators get the '
            "questionnaire when the practice's milestone closes."
        ),
    )

    def __init__(self, *args, round_obj, **kwargs):
        super().__init__(*args, **kwargs)
        from progress.models import MilestoneTemplate

        self.fields["milestone"].queryset = MilestoneTemplate.objects.filter(round=round_obj).order_by(
            "order", "pk"
        )

    def clean(self):
        data = super().clean()
        phase, milestone = data.get("phase"), data.get("milestone")
        if phase == Phase.MILESTONE and milestone is None:
            self.add_error("milestone", _("Choose the milestone whose closing sends the questionnaire."))
        elif phase and phase != Phase.MILESTONE and milestone is not None:
            self.add_error(
                "milestone",
                _("Only a questionnaire sent when a milestone closes has a milestone. Leave it empty."),
            )
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("Question"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )
    options = forms.CharField(
        label=_("Labels or choices, one a line"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_cpr],
        help_text=_("A scale: 5 lines, the label of point 1 first. A single choice: one choice a line."),
    )
    minimum = forms.IntegerField(label=_("Smallest number"), required=False)
    maximum = forms.IntegerField(label=_("Largest number"), required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)


class AnswerForm(forms.Form):
    """One field per question, named q<pk>."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.LIKERT:
                choices = [(str(i), f"{i} – {label}") for i, label in enumerate(q.labels, start=1)]
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            elif q.kind == QuestionKind.CHOICE:
                choices = [(str(i), label) for i, label in enumerate(q.labels, start=1)]
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            elif q.kind == QuestionKind.NUMBER:
                field = forms.IntegerField(min_value=q.minimum, max_value=q.maximum)
            else:
                field = forms.CharField(
                    max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), validators=[validate_no_cpr]
                )
            field.label = q.text
            field.required = q.required
            self.fields[name] = field

    def answers(self) -> dict[int, object]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}
