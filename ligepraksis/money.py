"""Money is Decimal, quantised to øre with ROUND_HALF_UP, and shown Danish style: 1.098,80 kr."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ORE = Decimal("0.01")


def to_ore(value) -> Decimal:
    """Quantise an amount to øre. Floats are refused: they are not money."""
    if isinstance(value, float):
        raise TypeError("Amounts must be Decimal, int or str, never float")
    try:
        return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc


def group_thousands(digits: str, sep: str = ".") -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def format_kr(value, *, suffix: bool = True) -> str:
    """1098.8 -> '1.098,80 kr.'; negative amounts keep their sign."""
    if value is None or value == "":
        return ""
    amount = to_ore(value)
    sign = "-" if amount < 0 else ""
    whole, _, ore = f"{abs(amount):.2f}".partition(".")
    text = f"{sign}{group_thousands(whole)},{ore}"
    return f"{text} kr." if suffix else text
