"""Fields the finance forms share: kroner, hours or km, a reason."""

from __future__ import annotations

from django import forms

from activities.forms import HoursField
from ligepraksis.cpr import validate_no_cpr


class AmountField(forms.DecimalField):
    """Kroner as people type them: 1.098,80 or 1098.80."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("kr.", "").replace("kr", "")
            if "," in value:  # Danish: dots group thousands, the comma is the decimal mark
                value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)


class QuantityField(HoursField):
    """Hours or km: the range is the service's rule (one entry, one trip)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", None)
        kwargs.setdefault("max_value", None)
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def reason_field(label, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )
