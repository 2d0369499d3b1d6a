"""Detect Danish CPR numbers in free text, so that the portal can never store one.

The portal must not hold patient-identifiable data. Every free-text field refuses text that
looks like it contains a CPR number (``DDMMYY-SSSS``). Use :class:`GuardedTextField` /
:class:`GuardedCharField` on models, and :func:`validate_no_cpr` on plain form fields.

What counts as a CPR number here:

- six digits that form a valid calendar date ``DDMMYY`` (any two-digit year; 29 February is
  accepted when ``YY % 4 == 0``, because 19YY or 20YY is then a leap year; YY=00 -> 2000 is leap),
- followed by four digits,
- separated by nothing, one space (also no-break / narrow no-break space) or one dash
  (hyphen-minus, en dash, or a Unicode hyphen/minus look-alike),
- not part of a longer number: no digit, and no ``.``/``,`` + digit continuation, immediately
  before or after (so ``1.098,80``, 12-digit numbers and IBAN digit strings never match).

The modulus-11 check is deliberately NOT applied: numbers issued since 2007 may fail it.

Known ambiguity, resolved on the safe side: a ten-digit number grouped 6+4 (e.g. a foreign
phone number ``121212 3434``) or a ten-digit account number whose first six digits form a valid
date is indistinguishable from a CPR number and is refused. Danish phone numbers have eight
digits (``86 12 34 56``, ``86123456``, ``+45 86123456``, even ``+4586123456`` since day 45 is
invalid) and never match; nor do ydernumre (6 digits), CVR numbers (8 digits), dates, times,
amounts and postcodes.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CPR_FIELD_MESSAGE",
    "CPR_MESSAGE",
    "CPR_PATTERN",
    "CprGuardMixin",
    "GuardedCharField",
    "GuardedTextField",
    "contains_cpr",
    "find_cpr",
    "validate_no_cpr",
]

CPR_MESSAGE = _(
    "This text looks like it contains a CPR number. Patient data must never be entered in the "
    "portal; remove the number and try again."
)
CPR_FIELD_MESSAGE = _(
    "“%(field)s” looks like it contains a CPR number. Patient data must never be entered in the "
    "portal; remove the number and try again."
)

# Candidate CPR numbers. The date part is checked in Python (_is_valid_birth_date), which keeps
# the pattern readable. `\d` is Unicode-aware on purpose: full-width or other decimal digits are
# caught too (int() understands them).
CPR_PATTERN = re.compile(
    r"""
    (?<!\d)              # not preceded by a digit (no longer digit run) ...
    (?<!\d[.,])          # ... nor by a digit + decimal/thousands separator ("1.098,80", "14.623.589")
    (?P<day>\d{2})       # DD
    (?P<month>\d{2})     # MM
    (?P<year>\d{2})      # YY
    [\-\u2010\u2011\u2012\u2013\u2014\u2212\x20\u00a0\u202f]?
                         # optional single separator: hyphen-minus, hyphen, non-breaking hyphen,
                         # figure dash, en dash, em dash, minus sign, space, no-break space,
                         # narrow no-break space
    \d{4}                # SSSS, the serial number (no modulus-11 check)
    (?!\d)               # not followed by a digit ...
    (?![.,]\d)           # ... nor by a decimal/thousands continuation ("0101901234,50")
    """,
    re.VERBOSE,
)

# Days per month, allowing 29 February (leap years are handled separately).
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_valid_birth_date(day: int, month: int, year: int) -> bool:
    """True if DD.MM.YY is a real date in 19YY or 20YY."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        # 19YY or 20YY is a leap year exactly when YY % 4 == 0 (1900 is not, but 2000 is).
        return year % 4 == 0
    return day <= _DAYS_IN_MONTH[month - 1]


def find_cpr(text: str | None) -> str | None:
    """Return the first substring of ``text`` that looks like a CPR number, or None."""
    if text is None:
        return None
    if not isinstance(text, str):  # lazy strings and other objects are checked as text
        text = str(text)
    if not text:
        return None
    pos = 0
    while (match := CPR_PATTERN.search(text, pos)) is not None:
        if _is_valid_birth_date(int(match["day"]), int(match["month"]), int(match["year"])):
            return match.group()
        # Not a valid date: continue right after this candidate's start (lookbehinds still see
        # the characters before `pos`, so boundaries are respected).
        pos = match.start() + 1
    return None


def contains_cpr(text) -> bool:
    """True if ``text`` contains something that looks like a CPR number."""
    return find_cpr(text) is not None


def validate_no_cpr(value):
    """Django validator: refuse text that looks like it contains a CPR number.

    The message never repeats the number (it would end up in logs, e-mails or the page).
    """
    if contains_cpr(value):
        raise ValidationError(CPR_MESSAGE, code="cpr")


class CprGuardMixin:
    """Model-field mixin that refuses values containing a CPR number.

    - ``validate()`` (run by ``full_clean()`` and therefore by every ModelForm) raises a
      ValidationError naming the field, code ``"cpr"``.
    - ``pre_save()`` re-checks, so a bare ``save()`` without ``full_clean()`` cannot store one.
    - ``get_db_prep_save()`` checks plain values once more, which also covers ``bulk_create()``,
      ``bulk_update()`` and ``QuerySet.update(field="...")``. Database expressions (F(),
      Concat(), ...) are not inspected. Lookups (filtering) are not affected.
    """

    def _cpr_field_label(self):
        return self.verbose_name or self.name or _("This field")

    def _cpr_error(self):
        return ValidationError(CPR_FIELD_MESSAGE, code="cpr", params={"field": self._cpr_field_label()})

    def _check_no_cpr(self, value):
        if contains_cpr(value):
            raise self._cpr_error()

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        self._check_no_cpr(value)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        self._check_no_cpr(value)
        return value

    def get_db_prep_save(self, value, connection):
        if not (hasattr(value, "as_sql") or hasattr(value, "resolve_expression")):
            if isinstance(value, (str, Promise)):
                self._check_no_cpr(value)
        return super().get_db_prep_save(value, connection)


class GuardedTextField(CprGuardMixin, models.TextField):
    """A TextField that can never hold a CPR number.

    Unlike Django's TextField, ``max_length`` is enforced by model validation too (as CharField
    does), so services that call ``full_clean()`` refuse over-long text, not only forms.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class GuardedCharField(CprGuardMixin, models.CharField):
    """A CharField that can never hold a CPR number."""


class GuardedURLField(CprGuardMixin, models.URLField):
    """A URLField that can never hold a CPR number (say, in a meeting link's path)."""
