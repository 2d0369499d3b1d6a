"""One home for how numbers, hours and dates read in running text, Danish by default.

- counts with a thousands separator: 5370 -> "5.370" (English "5,370"); years, ids, ydernumre and CVR
  numbers are not counts and are never passed through here;
- hours with at most two decimals and no trailing zeros: 1.5 -> "1,5"; `hours_text` adds the word with
  ngettext ("1 time", "1,5 timer");
- dates and times in running text in the portal's time zone: "29. januar 2027 kl. 12.00"
  (English "29 January 2027 at 12:00").

Money has its own helper (`ligepraksis/money.py`). Templates use the builtin filters in
`ligepraksis/templatetags/danish.py`: `num`, `hours`, `hours_text`, `when`, `day`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def number(value, decimals: int = 0) -> str:
    """A count or measure in the active language, grouped: 5370 -> '5.370'; 1.25 with 2 -> '1,25'."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def hours(value) -> str:
    """Hours as a number: 10 -> '10', 1.5 -> '1,5', 0.25 -> '0,25' (at most two decimals)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"))
    if amount == amount.to_integral_value():
        decimals = 0
    elif amount * 10 == (amount * 10).to_integral_value():
        decimals = 1
    else:
        decimals = 2
    return number(amount, decimals)


def hours_text(value) -> str:
    """'1 time', '1,5 timer', '10 timer' (English '1 hour', '1.5 hours')."""
    amount = _decimal(value)
    if amount is None:
        return ""
    # ngettext picks the form by an integer; only exactly one hour is singular.
    count = 1 if amount == 1 else 2
    return ngettext("%(hours)s hour", "%(hours)s hours", count) % {"hours": hours(amount)}


def day(value) -> str:
    """A date in running text: '29. januar 2027' (English '29 January 2027')."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


def when(value) -> str:
    """A moment in running text, in the portal's time zone: '29. januar 2027 kl. 12.00'."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local.date(), "DATE_FORMAT", use_l10n=True),
        "time": formats.time_format(
            local.time(), pgettext("time format in running text", "H:i"), use_l10n=True
        ),
    }
