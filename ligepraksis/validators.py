"""Validators for Danish identifiers. Kept as text: a leading zero must survive."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_is_valid(value: str) -> bool:
    if not re.fullmatch(r"\d{8}", value or ""):
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    if not re.fullmatch(r"\d{8}", value or ""):
        raise ValidationError(_("A CVR number has exactly 8 digits."), code="cvr_format")
    if not cvr_is_valid(value):
        raise ValidationError(
            _("This is not a valid CVR number (the check digit does not match). Please check it."),
            code="cvr_check",
        )


def validate_provider_number(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError(
            _("A provider number (ydernummer) has exactly 6 digits, e.g. 012345."), code="provider_number"
        )


def normalise_digits(value: str) -> str:
    """Drop spaces and dashes people type in identifiers ("29 19 09 25" -> "29190925")."""
    return re.sub(r"[\s\-]", "", value or "")
