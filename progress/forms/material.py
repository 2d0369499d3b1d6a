"""Forms of the programme's material: validate and convert only; the file is checked by content in
progress/services/material.py (ligepraksis.uploads)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ligepraksis.cpr import validate_no_cpr, validate_single_line
from ligepraksis.forms import CrispyFormMixin
from progress.models.material import MaterialKind

MAX_MATERIAL_MB = 25


class _MaterialFields(CrispyFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, validators=[validate_no_cpr, validate_single_line]
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    published = forms.BooleanField(
        label=_("Published (anyone can download it)"), required=False, initial=True
    )


class MaterialUploadForm(_MaterialFields):
    file = forms.FileField(
        label=_("File (PDF, DOCX or PPTX, at most %(mb)s MB)") % {"mb": MAX_MATERIAL_MB},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.pptx"}),
    )


class MaterialEditForm(_MaterialFields):
    pass
