"""Forms for the activity pages: they validate and convert input only; the services decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from activities.models import (
    MAX_HOURS,
    Activity,
    ActivityKind,
    Audience,
    HourClaim,
    RegistrationStatus,
    Session,
)
from ligepraksis.cpr import validate_no_cpr, validate_single_line
from ligepraksis.formats.da import formats as da_formats
from ligepraksis.forms import CrispyFormMixin
from ligepraksis.validators import normalise_digits
from practices.models import PersonKind, Practice
from practices.selectors import practice_find

# Danish input formats whatever the page's language (22.11.2026, 22-11-2026 and 22/11/2026).
DATE_INPUTS = da_formats.DATE_INPUT_FORMATS
DATETIME_INPUTS = da_formats.DATETIME_INPUT_FORMATS
DATETIME_SHOWN = "%d.%m.%Y %H:%M"


class DanishDateTimeField(forms.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_INPUTS)
        kwargs.setdefault(
            "widget", forms.DateTimeInput(format=DATETIME_SHOWN, attrs={"placeholder": "dd.mm.åååå tt:mm"})
        )
        kwargs.setdefault("help_text", _("E.g. 22.11.2026 14:30."))
        super().__init__(**kwargs)


class DanishDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUTS)
        kwargs.setdefault("widget", forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "dd.mm.åååå"}))
        super().__init__(**kwargs)


class HoursField(forms.DecimalField):
    """Hours as people type them: 1,5 or 1.5 in either language; shown as 1,5 in Danish."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.25"))
        kwargs.setdefault("max_value", MAX_HOURS)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            from activities.templatetags.activity_tags import hours

            return hours(value)
        return value


# --- The public catalogue -------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)
    audience = forms.ChoiceField(label=_("For"), required=False)

    def __init__(self, *args, months=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [(str(r.pk), r.name) for r in regions]
        self.fields["kind"].choices = [("", _("All kinds"))] + list(ActivityKind.choices)
        self.fields["audience"].choices = [("", _("Everyone"))] + list(Audience.choices)
        self.fields["month"].choices = [("", _("All months"))] + [
            (f"{y:04d}-{m:02d}", date_format(dt.date(y, m, 1), "F Y")) for y, m in months
        ]

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            return None
        year, month = value.split("-")
        return int(year), int(month)

    def clean_region(self):
        value = self.cleaned_data["region"]
        return int(value) if value else None


# --- Sign-up --------------------------------------------------------------------------------------


class PersonsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of the practice's people; those already signed up for the session are shown, ticked
    and disabled, with a note (the service refuses them too)."""

    def __init__(self, *args, signed_up=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_up: dict[int, str] = signed_up or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        pk = getattr(value, "value", value)
        if pk in self.signed_up:
            option["attrs"]["disabled"] = True
            option["attrs"]["checked"] = True
            option["label"] = f"{label} – {self.signed_up[pk]}"
        return option


class SignupForm(CrispyFormMixin, forms.Form):
    persons = forms.ModelMultipleChoiceField(
        label=_("Who is coming?"),
        queryset=None,
        required=False,
        widget=PersonsWidget,
        help_text=_("The first are confirmed while places last; the rest go on the waiting list."),
    )
    new_name = forms.CharField(label=_("Name"), max_length=200, required=False, validators=[validate_no_cpr])
    new_kind = forms.ChoiceField(
        label=_("Doctor or staff"), choices=[("", "—")] + list(PersonKind.choices), required=False
    )
    new_email = forms.EmailField(label=_("E-mail (optional)"), required=False)

    def __init__(self, *args, members, signed_up=(), **kwargs):
        """signed_up: the practice's active registrations for the session (shown, not choosable)."""
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = members
        self.fields["persons"].label_from_instance = lambda p: f"{p.name} ({p.get_kind_display()})"
        self.fields["persons"].widget.signed_up = {
            r.person_id: (
                _("already signed up")
                if r.status == RegistrationStatus.CONFIRMED
                else _("already on the waiting list")
            )
            for r in signed_up
        }

    def clean(self):
        data = super().clean()
        if data.get("new_name") and not data.get("new_kind"):
            self.add_error("new_kind", _("Choose doctor or practice staff."))
        if (data.get("new_kind") or data.get("new_email")) and not data.get("new_name"):
            self.add_error("new_name", _("Give the new person's name."))
        if not data.get("persons") and not data.get("new_name") and not self.errors:
            raise forms.ValidationError(_("Choose at least one person to sign up."))
        return data


# --- Hour claims ----------------------------------------------------------------------------------


class ClaimForm(CrispyFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Who took part?"), queryset=None)
    activity = forms.ModelChoiceField(
        label=_("Activity in the catalogue (if it is one)"), queryset=None, required=False
    )
    description = forms.CharField(
        label=_("What the hours were spent on"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )
    occurred_on = DanishDateField(label=_("Date"), help_text=_("E.g. 22.11.2026."))
    hours = HoursField(label=_("Hours"), help_text=_("E.g. 1,5."))
    evidence = forms.FileField(
        label=_("Evidence (PDF or image, at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, members, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        self.fields["activity"].queryset = activities


class ClaimDecisionForm(CrispyFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when rejecting)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )


class ClaimBatchForm(ClaimDecisionForm):
    """One decision (approve, or reject with a reason) for the claims ticked on the queue's page."""

    claims = forms.ModelMultipleChoiceField(
        label=_("Claims"),
        queryset=HourClaim.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the claims the decision is for.")},
    )

    def __init__(self, *args, round_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = HourClaim.objects.filter(round=round_obj)


# --- Attendance -----------------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    """One checkbox per confirmed registration (checked = attended, unchecked = no-show). Nobody is
    ticked until attendance is recorded (the page has a "mark all present" button); once recorded,
    the form shows what was recorded."""

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for reg in self.registrations:
            self.fields[f"attended_{reg.pk}"] = forms.BooleanField(
                label=reg.person.name,
                required=False,
                initial=bool(reg.attended),
            )

    def rows(self):
        return [(reg, self[f"attended_{reg.pk}"]) for reg in self.registrations]

    def attended_ids(self) -> list[int]:
        return [reg.pk for reg in self.registrations if self.cleaned_data.get(f"attended_{reg.pk}")]


class WalkInForm(forms.Form):
    practice = forms.ModelChoiceField(label=_("Practice"), queryset=Practice.objects.none(), required=False)
    provider_number = forms.CharField(
        label=_("or the practice's provider number"), max_length=12, required=False
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False, validators=[validate_no_cpr])
    kind = forms.ChoiceField(
        label=_("Doctor or staff"), choices=[("", "—")] + list(PersonKind.choices), required=False
    )

    def __init__(self, *args, practices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if practices is not None:
            self.fields["practice"].queryset = practices

    def clean(self):
        data = super().clean()
        number = normalise_digits(data.get("provider_number") or "")
        filled = data.get("practice") or number or data.get("name") or data.get("kind")
        if not filled:
            return data  # an empty row
        if not data.get("name"):
            self.add_error("name", _("Give the walk-in's name."))
        if not data.get("kind"):
            self.add_error("kind", _("Choose doctor or practice staff."))
        if data.get("practice") is None:
            if not number:
                self.add_error("practice", _("Choose the practice or give its provider number."))
            else:
                found = practice_find(provider_number=number)
                if found is None:
                    self.add_error("provider_number", _("No practice has that provider number."))
                data["practice"] = found
        return data

    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("name"))


WalkInFormSet = forms.formset_factory(WalkInForm, extra=3, max_num=20)


# --- Catalogue editing ----------------------------------------------------------------------------


class ActivityForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "provider",
            "description",
            "audience",
            "hours",
            "online",
            "required",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"hours": HoursField}

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].empty_label = None if providers.count() == 1 else "—"

    def validate_unique(self):
        """The service validates the whole object."""


class SessionForm(CrispyFormMixin, forms.ModelForm):
    starts_at = DanishDateTimeField(label=_("Starts"))
    ends_at = DanishDateTimeField(label=_("Ends"))
    signup_deadline = DanishDateTimeField(label=_("Sign-up deadline"))
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "place", "online_link", "capacity", "signup_deadline"]

    def clean(self):
        data = super().clean()
        starts, ends, deadline = data.get("starts_at"), data.get("ends_at"), data.get("signup_deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if starts and deadline and deadline > starts:
            self.add_error("signup_deadline", _("The sign-up deadline must be no later than the start."))
        return data

    def validate_unique(self):
        """The service validates the whole object."""


class CancelSessionForm(CrispyFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling (sent to those signed up)"),
        max_length=300,
        validators=[validate_no_cpr, validate_single_line],
    )


# --- Import ---------------------------------------------------------------------------------------


class ImportForm(CrispyFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=_("One row per session, with the columns of the export."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an XLSX or CSV file."))
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload
