"""Money is Decimal NOK, quantized here and nowhere else.

>>> nok("1 234,5")
Decimal('1234.50')
>>> nok(300)
Decimal('300.00')
>>> format_nok(nok("1234.5"))
'1 234,50'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ORE = Decimal("0.01")
ZERO = Decimal("0.00")


class InvalidAmount(ValueError):
    """An amount that cannot be read as NOK."""


def nok(value: Decimal | int | str) -> Decimal:
    """Return *value* as NOK with two decimals (half up). Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money is never float; pass str, int or Decimal")
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.lower().startswith("kr"):
            text = text[2:]
        if "," in text and "." in text:
            text = text.replace(".", "")
        text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InvalidAmount(f"«{value}» er ikke et beløp") from None
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidAmount(f"«{value}» er ikke et beløp")
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def format_nok(amount: Decimal) -> str:
    """Norwegian presentation: space as thousands separator, comma decimals."""
    text = f"{nok(amount):,.2f}"
    return text.replace(",", " ").replace(".", ",")
