"""Forms validate and convert input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationStatus, Recommendation
from ligepraksis.cpr import validate_email_no_cpr, validate_no_cpr
from ligepraksis.forms import CrispyFormMixin
from practices.models import PracticeType


class ApplicationForm(CrispyFormMixin, forms.ModelForm):
    """The draft. The coordinators are kept as typed; a draft may be saved half-filled, and submitting
    checks that everything is there."""

    class Meta:
        model = Application
        fields = [
            "practice_description",
            "patient_base",
            "motivation",
            "doctor_name",
            "doctor_email",
            "doctor_phone",
            "staff_name",
            "staff_title",
            "staff_email",
            "staff_phone",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 5})
            for f in ("practice_description", "patient_base", "motivation")
        }
        labels = {
            "doctor_name": _("Name"),
            "doctor_email": _("E-mail"),
            "doctor_phone": _("Phone"),
            "staff_name": _("Name"),
            "staff_title": _("Job title"),
            "staff_email": _("E-mail"),
            "staff_phone": _("Phone"),
        }
        help_texts = {
            "practice_description": _("A short description of the practice: who you are and how you work."),
            "patient_base": _("Your patients, and the vulnerable patients you want to help better."),
            "motivation": _("Why you want to take part, and what you hope to change."),
            "staff_title": _("E.g. nurse or secretary."),
        }


class HandOverForm(CrispyFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail of someone in the practice"), validators=[validate_email_no_cpr])
    name = forms.CharField(
        label=_("Their name"), max_length=200, required=False, validators=[validate_no_cpr]
    )


class ReviewForm(CrispyFormMixin, forms.Form):
    conflict = forms.BooleanField(
        label=_("I have a conflict of interest and cannot review this application"), required=False
    )
    comment = forms.CharField(
        label=_("Overall comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        validators=[validate_no_cpr],
    )

    def __init__(self, *args, criteria, score_min: int, score_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [("", "—")] + [(str(v), str(v)) for v in range(score_min, score_max + 1)]
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=c.name,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                help_text=c.description,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": c.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[validate_no_cpr],
            )

    def clean(self):
        data = super().clean()
        if not data.get("conflict"):
            for c in self.criteria:
                if data.get(f"score_{c.pk}") is None and f"score_{c.pk}" not in self.errors:
                    self.add_error(f"score_{c.pk}", _("Give a score, or declare a conflict of interest."))
        return data

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }


class RecommendationForm(CrispyFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )


DECISION_REASON_HELP = _(
    "The reason is e-mailed to the practice and shown in its history. Required when you reject an "
    "application or change an earlier decision."
)


class DecisionForm(CrispyFormMixin, forms.Form):
    """A leader's decision. No choice is made in advance: the leader picks one, and a confirmation
    page says what will happen before anything does (the `confirm` field is set there)."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("", _("Choose a decision …")),
            (ApplicationStatus.SELECTED, _("Select")),
            (ApplicationStatus.WAITLISTED, _("Waiting list")),
            (ApplicationStatus.REJECTED, _("Reject")),
        ],
        error_messages={"required": _("Choose a decision.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        help_text=DECISION_REASON_HELP,
    )


class ReasonForm(CrispyFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )


class AcceptForm(CrispyFormMixin, forms.Form):
    terms_id = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("We have read and accept the participation terms"), required=True)


class SelectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(ApplicationStatus.choices),
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    form = forms.ChoiceField(
        label=_("Practice form"), required=False, choices=[("", _("All"))] + list(PracticeType.choices)
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("All"))] + list(Recommendation.Outcome.choices),
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All"))] + [(a, a) for a in areas]
