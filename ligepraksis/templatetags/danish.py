"""Template filters for Danish money, numbers, hours and dates (a builtin in every template; the rules live in
`ligepraksis/money.py` and `ligepraksis/formatting.py`)."""

from django import template

from ligepraksis import formatting
from ligepraksis.money import format_kr

register = template.Library()


@register.filter
def kr(value):
    """{{ amount|kr }} -> 1.098,80 kr."""
    return format_kr(value)


@register.filter
def num(value, decimals=0):
    """{{ count|num }} -> 5.370 (never for years, ids, ydernumre or CVR numbers)."""
    return formatting.number(value, int(decimals))


@register.filter
def hours(value):
    """{{ 1.5|hours }} -> 1,5"""
    return formatting.hours(value)


@register.filter
def hours_text(value):
    """{{ 1.5|hours_text }} -> 1,5 timer; {{ 1|hours_text }} -> 1 time"""
    return formatting.hours_text(value)


@register.filter
def day(value):
    """{{ date|day }} -> 29. januar 2027"""
    return formatting.day(value)


@register.filter
def when(value):
    """{{ moment|when }} -> 29. januar 2027 kl. 12.00 (in the portal's time zone)"""
    return formatting.when(value)
