"""Forms for registering a practice and changing its people: validate and convert only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ligepraksis.cpr import validate_no_cpr
from ligepraksis.forms import CrispyFormMixin
from ligepraksis.models import Municipality
from ligepraksis.validators import normalise_digits, validate_cvr, validate_provider_number
from practices.models import PersonKind, Practice, PracticeType


class ProviderNumberField(forms.CharField):
    default_validators = [validate_provider_number]

    def to_python(self, value):
        return normalise_digits(super().to_python(value))


class LookupForm(CrispyFormMixin, forms.Form):
    provider_number = ProviderNumberField(
        label=_("The practice's provider number (ydernummer)"),
        max_length=12,
        help_text=_("6 digits, e.g. 012345."),
    )


class PracticeRegisterForm(CrispyFormMixin, forms.ModelForm):
    provider_numbers = forms.CharField(
        label=_("Provider numbers (ydernumre)"),
        max_length=200,
        help_text=_("One or more, separated by commas. 6 digits each."),
    )
    cvr = forms.CharField(label=_("CVR number"), max_length=12)

    class Meta:
        model = Practice
        fields = [
            "name",
            "cvr",
            "address",
            "postcode",
            "city",
            "municipality",
            "form",
            "doctor_capacities",
            "staff_count",
            "listed_patients",
        ]
        # Danish users type "2,5" doctor capacities; an unlocalized DecimalField refuses the comma.
        localized_fields = ["doctor_capacities"]

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["municipality"].queryset = Municipality.objects.filter(region=region)
        self.fields["form"].choices = PracticeType.choices
        self.order_fields(["provider_numbers", *self.Meta.fields])

    def clean_provider_numbers(self):
        raw = [n for n in self.cleaned_data["provider_numbers"].split(",") if n.strip()]
        numbers = [normalise_digits(n) for n in raw]
        for n in numbers:
            validate_provider_number(n)
        return numbers

    def clean_cvr(self):
        value = normalise_digits(self.cleaned_data["cvr"])
        validate_cvr(value)
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(_("A Danish postcode has 4 digits."))
        return value

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message that says what to do."""


class JoinPracticeForm(PracticeRegisterForm):
    """A practice of any region joins: its municipality (listed under its region) gives its region."""

    person_name = forms.CharField(label=_("Your name"), max_length=200, validators=[validate_no_cpr])
    person_kind = forms.ChoiceField(label=_("You are"), choices=PersonKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        municipality.queryset = Municipality.objects.select_related("region").order_by("region__name", "name")
        municipality.help_text = _("The municipality gives the practice's region.")
        groups: dict[str, list] = {}
        for m in municipality.queryset:
            groups.setdefault(m.region.name, []).append((m.pk, m.name))
        municipality.choices = [("", "---------"), *groups.items()]
        self.order_fields(["person_name", "person_kind", "provider_numbers", *self.Meta.fields])


class PersonForm(CrispyFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_no_cpr])
    kind = forms.ChoiceField(label=_("Doctor or staff"), choices=PersonKind.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)
    give_access = forms.BooleanField(
        label=_("Give this person a login to the practice's pages"), required=False
    )
