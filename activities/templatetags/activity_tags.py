"""Hours as Danish readers expect them: 6,5 and 10, not 6,50 and 10,00."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(value):
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = format(value.quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return number_format(Decimal(text), use_l10n=True)
