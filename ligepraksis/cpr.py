"""Detect Danish CPR numbers and control characters in free text, so that the portal never stores them.

The portal must not hold patient-identifiable data. Every free-text field refuses text that
looks like it contains a CPR number (``DDMMYY-SSSS``). Use :class:`GuardedTextField` /
:class:`GuardedCharField` on models, and :func:`validate_no_cpr` on plain form fields
(:func:`validate_no_cpr_in_filename` for uploaded file names, :func:`validate_email_no_cpr` for
e-mail addresses).

How text is read
----------------

Before looking for a number the text is normalised, one character at a time:

- Unicode NFKC (full-width ``０１０１９０`` becomes ``010190``, a no-break space a space, ...),
- every Unicode decimal digit becomes its ASCII digit (Arabic-Indic ``٠١٢``, Devanagari, ...),
- format characters (category Cf: zero-width space/joiners U+200B/C/D, word joiner U+2060,
  byte-order mark U+FEFF, soft hyphen U+00AD, ...) are removed, so they cannot split a number,
- every whitespace character (space, newline, tab, U+2028, ...) becomes a space, every dash
  (category Pd: hyphen, non-breaking hyphen, en/em dash, ...) and the minus sign become ``-``,
  slash look-alikes (U+2044, U+2215, full-width) become ``/``.

:func:`find_cpr` still returns the matching part of the *original* text.

What counts as a CPR number
---------------------------

- six digits that form a valid calendar date ``DDMMYY`` (any two-digit year; 29 February is
  accepted when ``YY % 4 == 0``, because 19YY or 20YY is then a leap year; YY=00 -> 2000 is leap),
  written together or with ONE separator (space, ``.``, ``-`` or ``/``) between day and month
  and/or between month and year: ``010190``, ``01.01.90``, ``01 01 90``, ``0101 90``;
- then any run of separators -- whitespace of any kind (including newline and tab), dashes,
  ``/`` and ``.``, and combinations such as `` - `` -- or none;
- then four digits, the serial number, written together.

So ``010190-1234``, ``0101901234``, ``010190 1234``, ``01.01.90-1234``, ``010190/1234``,
``010190.1234``, ``010190 - 1234``, ``010190\\n1234``, ``0101 901234``, ``01 01 90 1234`` and
the same with full-width digits or zero-width characters in between all count.

The modulus-11 check is deliberately NOT applied: numbers issued since 2007 may fail it.

Boundaries, to keep false alarms away:

- not part of a longer number: no digit, and no ``.``/``,`` + digit continuation, immediately
  before or after (so ``1.098,80``, ``14.623.589``, 12-digit numbers, IBAN digit strings, ISO
  dates and timestamps such as ``2026-11-22T10:30`` never match);
- a date written in pairs with spaces (``11 12 56 8000``) does not count when it directly follows
  another two-digit pair (``20 11 12 56 8000``): that is a Danish phone number in pairs followed
  by a postcode.

Known ambiguity, resolved on the safe side: a ten-digit number grouped 6+4 (e.g. a foreign
phone number ``121212 3434``), a ten-digit account number whose first six digits form a valid
date, a six-digit ydernummer that happens to be a date followed by a postcode, or a two-digit-year
date followed by a four-digit time without a colon (``22.11.26 1030``) is indistinguishable from
a CPR number and is refused. Danish phone numbers have eight digits (``86 12 34 56``,
``86123456``, ``+45 86123456``, even ``+4586123456`` since day 45 is invalid) and never match;
nor do ydernumre (6 digits), CVR numbers (8 digits), dates with four-digit years, times,
amounts, postcodes and case numbers such as ``2026-123456`` or ``sag 24/1234``.

Control characters
------------------

A line break in a name or title breaks every e-mail header and calendar feed that later shows
it. :class:`GuardedCharField` (and :class:`GuardedURLField`) refuse every control character
(Unicode category Cc, which includes newline, carriage return and tab) and the Unicode line and
paragraph separators U+2028/U+2029; :class:`GuardedTextField` allows newline, carriage return
and tab (and U+2028/U+2029) but no other control character. :func:`validate_single_line` is the
single-line rule for plain form fields.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CONTROL_CHARACTER_FIELD_MESSAGE",
    "CPR_EMAIL_MESSAGE",
    "CPR_FIELD_MESSAGE",
    "CPR_FILENAME_MESSAGE",
    "CPR_MESSAGE",
    "CPR_PATTERN",
    "SINGLE_LINE_FIELD_MESSAGE",
    "SINGLE_LINE_MESSAGE",
    "CprGuardMixin",
    "GuardedCharField",
    "GuardedTextField",
    "GuardedURLField",
    "contains_cpr",
    "find_control_character",
    "find_cpr",
    "normalise_text",
    "validate_email_no_cpr",
    "validate_no_cpr",
    "validate_no_cpr_in_filename",
    "validate_single_line",
]

CPR_MESSAGE = _(
    "This text looks like it contains a CPR number. Patient data must never be entered in the "
    "portal; remove the number and try again."
)
CPR_FIELD_MESSAGE = _(
    "“%(field)s” looks like it contains a CPR number. Patient data must never be entered in the "
    "portal; remove the number and try again."
)
CPR_FILENAME_MESSAGE = _(
    "The file name looks like it contains a CPR number. Patient data must never be entered in the "
    "portal; rename the file and try again."
)
CPR_EMAIL_MESSAGE = _(
    "The e-mail address looks like it contains a CPR number. Patient data must never be entered in "
    "the portal; use another address."
)
SINGLE_LINE_MESSAGE = _(
    "This text must be a single line: remove line breaks, tabs and other control characters."
)
SINGLE_LINE_FIELD_MESSAGE = _(
    "“%(field)s” must be a single line: remove line breaks, tabs and other control characters."
)
CONTROL_CHARACTER_FIELD_MESSAGE = _(
    "“%(field)s” contains an invisible control character that cannot be stored. Remove it and try again."
)


# --- Normalisation --------------------------------------------------------------------------------

_SOFT_HYPHEN = "\u00ad"
_SLASHES = "\u2044\u2215"  # fraction slash, division slash (full-width "／" is handled by NFKC)
_MINUS = "\u2212"  # minus sign (category Sm, not Pd)


def _normalise_char(ch: str) -> str:
    """The normalised form of one character: "" (dropped), or one or more characters."""
    if ch.isascii():
        return " " if ch.isspace() else ch
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        category = unicodedata.category(c)
        if category == "Cf" or c == _SOFT_HYPHEN:
            continue  # zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks, ...
        if category == "Nd":
            out.append(str(unicodedata.digit(c)))  # "٣" -> "3"
        elif c.isspace():
            out.append(" ")  # newline, tab, no-break space, U+2028, ...
        elif category == "Pd" or c == _MINUS:
            out.append("-")  # hyphen, non-breaking hyphen, en/em dash, minus sign, ...
        elif c in _SLASHES:
            out.append("/")
        else:
            out.append(c)
    return "".join(out)


_ASCII_WHITESPACE = str.maketrans({c: " " for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"})


def _normalise_with_positions(text: str) -> tuple[str, list[int] | range]:
    """Normalise ``text``; also return, for each normalised character, its index in ``text``."""
    if text.isascii():  # the common case: only whitespace changes, one character for one
        return text.translate(_ASCII_WHITESPACE), range(len(text))
    parts, positions = [], []
    for index, ch in enumerate(text):
        normalised = _normalise_char(ch)
        parts.append(normalised)
        positions.extend([index] * len(normalised))
    return "".join(parts), positions


def normalise_text(text: str) -> str:
    """The text as the CPR detector reads it (see the module docstring)."""
    return _normalise_with_positions(text)[0]


# --- The CPR pattern --------------------------------------------------------------------------------

# After normalisation every separator is one of these ASCII characters: space (any whitespace),
# "." , "/" and "-" (any dash).
_SEPARATOR = r"[ ./-]"

# Candidate CPR numbers in NORMALISED text. The date part is checked in Python
# (_is_valid_birth_date), which keeps the pattern readable.
CPR_PATTERN = re.compile(
    rf"""
    (?<![0-9])              # not preceded by a digit (no longer digit run) ...
    (?<![0-9][.,])          # ... nor by a digit + decimal/thousands separator ("1.098,80")
    (?P<day>[0-9]{{2}})     # DD
    (?P<sep>{_SEPARATOR})?  # at most one separator inside the date: 01.01.90, 01 01 90 ...
    (?P<month>[0-9]{{2}})   # MM
    {_SEPARATOR}?           # ... and 0101 90, 0101-90
    (?P<year>[0-9]{{2}})    # YY
    {_SEPARATOR}*           # any run of separators ("-", "/", ".", " - ", a line break ...) or none
    (?P<serial>[0-9]{{4}})  # SSSS, the serial number (no modulus-11 check)
    (?![0-9])               # not followed by a digit ...
    (?![.,][0-9])           # ... nor by a decimal/thousands continuation ("0101901234,50")
    """,
    re.VERBOSE,
)

# A two-digit pair and a space just before a candidate whose date is written in pairs
# ("20 11 12 56 8000": a phone number in pairs, then a postcode).
_PRECEDING_PAIR = re.compile(r"(?<![0-9])[0-9]{2} \Z")

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


def _continues_a_chain_of_pairs(normalised: str, match: re.Match) -> bool:
    start = match.start()
    return match["sep"] == " " and _PRECEDING_PAIR.search(normalised, max(0, start - 3), start) is not None


def _find_cpr_span(normalised: str) -> tuple[int, int] | None:
    pos = 0
    while (match := CPR_PATTERN.search(normalised, pos)) is not None:
        if _is_valid_birth_date(int(match["day"]), int(match["month"]), int(match["year"])) and not (
            _continues_a_chain_of_pairs(normalised, match)
        ):
            return match.span()
        # Not a CPR number: continue right after this candidate's start (lookbehinds still see
        # the characters before `pos`, so boundaries are respected).
        pos = match.start() + 1
    return None


def _as_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)  # lazy strings are checked as text


def find_cpr(text: str | None) -> str | None:
    """Return the first part of ``text`` that looks like a CPR number, or None.

    The returned string is a slice of ``text`` itself (full-width digits, zero-width characters
    and all), not of its normalised form.
    """
    text = _as_text(text)
    if not text:
        return None
    normalised, positions = _normalise_with_positions(text)
    span = _find_cpr_span(normalised)
    if span is None:
        return None
    start, end = span
    return text[positions[start] : positions[end - 1] + 1]


def contains_cpr(text) -> bool:
    """True if ``text`` contains something that looks like a CPR number."""
    return find_cpr(text) is not None


def validate_no_cpr(value):
    """Django validator: refuse text that looks like it contains a CPR number.

    The message never repeats the number (it would end up in logs, e-mails or the page).
    """
    if contains_cpr(value):
        raise ValidationError(CPR_MESSAGE, code="cpr")


# In file names and e-mail local parts "_", "." (and "+" in e-mail) separate words, so they are
# read as spaces: "010190_1234.pdf", "scan.0101901234.v2.pdf", "jens_010190_1234@x.dk".
_FILENAME_SEPARATORS = str.maketrans("_.", "  ")
_EMAIL_LOCAL_SEPARATORS = str.maketrans("_.+", "   ")


def validate_no_cpr_in_filename(name) -> None:
    """Django validator: refuse a file name that looks like it contains a CPR number.

    ``name`` is a string or anything with a ``name`` attribute (an UploadedFile, a FieldFile), so
    this can sit in a FileField's ``validators``. Only the last path component is read.
    """
    name = _as_text(getattr(name, "name", name))
    basename = re.split(r"[/\\]", name)[-1]
    if contains_cpr(basename.translate(_FILENAME_SEPARATORS)):
        raise ValidationError(CPR_FILENAME_MESSAGE, code="cpr")


def validate_email_no_cpr(value) -> None:
    """Django validator: refuse an e-mail address whose local part (or domain) holds a CPR number.

    Use it next to EmailValidator: ``0101901234@x.dk``, ``010190-1234@x.dk`` and
    ``jens_010190_1234@x.dk`` are refused.
    """
    value = _as_text(value)
    local, _at, _domain = value.rpartition("@")
    if not _at:
        local = value
    if contains_cpr(local.translate(_EMAIL_LOCAL_SEPARATORS)) or contains_cpr(value):
        raise ValidationError(CPR_EMAIL_MESSAGE, code="cpr")


# --- Control characters ---------------------------------------------------------------------------

# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F.
_SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line text may keep newline, carriage return and tab (and the Unicode line separators).
_MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(text, *, multi_line: bool = False) -> str | None:
    """The first character of ``text`` a field may not hold, or None.

    Single-line (the default): any control character (category Cc, including newline, carriage
    return and tab) and U+2028/U+2029. Multi-line: any control character except newline, carriage
    return and tab.
    """
    text = _as_text(text)
    pattern = _MULTI_LINE_FORBIDDEN if multi_line else _SINGLE_LINE_FORBIDDEN
    match = pattern.search(text)
    return match.group() if match else None


def validate_single_line(value) -> None:
    """Django validator for plain form fields: one line, no control characters."""
    if find_control_character(value) is not None:
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_character")


# --- Model fields -------------------------------------------------------------------------------------


class CprGuardMixin:
    """Model-field mixin: the one home of the free-text rules.

    A value may not contain a CPR number, nor a control character the field does not allow
    (``multi_line = False``: none, as a name or title must stay on one line; ``True``: newline,
    carriage return and tab are allowed).

    - ``validate()`` (run by ``full_clean()`` and therefore by every ModelForm and the admin)
      raises a ValidationError naming the field, code ``"cpr"`` or ``"control_character"``.
    - ``pre_save()`` re-checks, so a bare ``save()`` without ``full_clean()`` cannot store one.
    - ``get_db_prep_save()`` checks plain values once more, which also covers ``bulk_create()``,
      ``bulk_update()`` and ``QuerySet.update(field="...")``. Database expressions (F(),
      Concat(), ...) are not inspected. Lookups (filtering) are not affected.
    """

    multi_line = False

    def _field_label(self):
        return self.verbose_name or self.name or _("This field")

    def _cpr_error(self):
        return ValidationError(CPR_FIELD_MESSAGE, code="cpr", params={"field": self._field_label()})

    def _control_character_error(self):
        message = CONTROL_CHARACTER_FIELD_MESSAGE if self.multi_line else SINGLE_LINE_FIELD_MESSAGE
        return ValidationError(message, code="control_character", params={"field": self._field_label()})

    def _check_value(self, value):
        """Raise the first rule ``value`` breaks (a CPR number first, then a control character)."""
        if value is None:
            return
        if contains_cpr(value):
            raise self._cpr_error()
        if find_control_character(value, multi_line=self.multi_line) is not None:
            raise self._control_character_error()

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        self._check_value(value)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        self._check_value(value)
        return value

    def get_db_prep_save(self, value, connection):
        if not (hasattr(value, "as_sql") or hasattr(value, "resolve_expression")):
            if isinstance(value, (str, Promise)):
                self._check_value(value)
        return super().get_db_prep_save(value, connection)


class GuardedTextField(CprGuardMixin, models.TextField):
    """A multi-line TextField that can never hold a CPR number or a control character other
    than newline, carriage return and tab.

    Unlike Django's TextField, ``max_length`` is enforced by model validation too (as CharField
    does), so services that call ``full_clean()`` refuse over-long text, not only forms.
    """

    multi_line = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class GuardedCharField(CprGuardMixin, models.CharField):
    """A single-line CharField that can never hold a CPR number or a control character."""


class GuardedURLField(CprGuardMixin, models.URLField):
    """A URLField that can never hold a CPR number (say, in a meeting link's path)."""
