"""Validators for Danish identifiers. Kept as text: a leading zero must survive.

A stored identifier is ASCII digits only. Forms and services pass what people type through
:func:`normalise_digits` first (full-width, Arabic-Indic and other Unicode digits become ASCII,
spaces and dashes go), so ``٠١٢٣٤٥`` and ``012345`` are the same ydernummer for the uniqueness
checks; the validators themselves accept nothing but ``[0-9]``.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)

# `[0-9]`, not `\d`: in Python `\d` also matches "٣" or "３", which would slip past uniqueness.
_CVR = re.compile(r"[0-9]{8}")
_PROVIDER_NUMBER = re.compile(r"[0-9]{6}")


def _is(pattern: re.Pattern, value) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def cvr_is_valid(value: str) -> bool:
    if not _is(_CVR, value):
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    if not _is(_CVR, value):
        raise ValidationError(_("A CVR number has exactly 8 digits."), code="cvr_format")
    if not cvr_is_valid(value):
        raise ValidationError(
            _("This is not a valid CVR number (the check digit does not match). Please check it."),
            code="cvr_check",
        )


def validate_provider_number(value: str) -> None:
    if not _is(_PROVIDER_NUMBER, value):
        raise ValidationError(
            _("A provider number (ydernummer) has exactly 6 digits, e.g. 012345."), code="provider_number"
        )


def normalise_digits(value: str) -> str:
    """An identifier as people type it, as ASCII digits.

    - Unicode NFKC, then every digit (full-width ``２``, Arabic-Indic ``٢``, Devanagari ``२``, ...)
      becomes its ASCII digit (``unicodedata.digit``);
    - whitespace of any kind, dashes (any Unicode dash and the minus sign) and invisible format
      characters (zero-width space, soft hyphen, ...) are dropped: ``"29 19 09 25"`` -> ``"29190925"``.

    Anything else is kept, so a letter still fails the validators.
    """
    out = []
    for ch in unicodedata.normalize("NFKC", value or ""):
        if ch.isspace() or ch == "\u2212" or unicodedata.category(ch) in ("Pd", "Cf"):
            continue
        digit = unicodedata.digit(ch, None)
        out.append(str(digit) if digit is not None else ch)
    return "".join(out)


# Dates of what the portal schedules or records (rounds, sessions, deadlines, claims) lie in this
# range; a year such as 9999 would break every later e-mail and calendar feed.
EARLIEST_PROGRAMME_YEAR = 2020
LATEST_PROGRAMME_YEAR = 2100


def validate_programme_date(value) -> None:
    """A date or datetime between 1 January 2020 and 31 December 2100."""
    if value is None:
        return
    if not EARLIEST_PROGRAMME_YEAR <= value.year <= LATEST_PROGRAMME_YEAR:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_PROGRAMME_YEAR, "last": LATEST_PROGRAMME_YEAR},
            code="date_out_of_range",
        )
