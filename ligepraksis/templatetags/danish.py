"""Template filters for Danish money and numbers (loaded as a builtin in every template)."""

from django import template

from ligepraksis.money import format_kr

register = template.Library()


@register.filter
def kr(value):
    """{{ amount|kr }} -> 1.098,80 kr."""
    return format_kr(value)
