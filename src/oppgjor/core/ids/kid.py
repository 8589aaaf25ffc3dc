"""KID (kundeidentifikasjon), the payment reference of a Norwegian giro: 2–25 characters, the
last a check digit by MOD10 (Luhn) or MOD11 (weights 2–7 from the right; where the remainder
is 1, the check character is ``-``), as the payee's agreement with the bank says.

>>> make("123456789", "MOD10"), make("123456789", "MOD11")
('1234567897', '1234567892')
>>> validate("1234567897"), validate("1234567892", "MOD11")
('1234567897', '1234567892')
>>> is_valid("1234567890")
False
"""

from __future__ import annotations

from typing import Literal

from stdnum import luhn
from stdnum.util import clean, isdigits

from oppgjor.core.ids.errors import InvalidIdentifier

Method = Literal["MOD10", "MOD11"]
METHODS: tuple[Method, ...] = ("MOD10", "MOD11")
MIN_LENGTH, MAX_LENGTH = 2, 25


def mod11_check(base: str) -> str:
    """The MOD11 check character of the digits *base*: ``0``–``9``, or ``-`` (remainder 1).

    >>> mod11_check("123456789"), mod11_check("0")
    ('2', '0')
    """
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    check = 11 - total % 11
    return "0" if check == 11 else "-" if check == 10 else str(check)


def check_character(base: str, method: Method) -> str:
    return str(luhn.calc_check_digit(base)) if method == "MOD10" else mod11_check(base)


def make(base: str, method: Method) -> str:
    """*base* (digits) with its check character: the KID an invoice carries."""
    if not base or not isdigits(base) or len(base) > MAX_LENGTH - 1:
        raise InvalidIdentifier(f"KID-grunnlaget «{base}» må være 1–{MAX_LENGTH - 1} siffer")
    return base + check_character(base, method)


def compact(number: str) -> str:
    return str(clean(number, " ")).strip()


def _matches(value: str, method: Method) -> bool:
    return check_character(value[:-1], method) == value[-1]


def validate(number: str, method: Method | None = None) -> str:
    """The KID compacted, if its check character is right by *method* (None: by either)."""
    value = compact(number)
    if not value:
        raise InvalidIdentifier("KID mangler")
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise InvalidIdentifier(
            f"KID «{value}» må ha {MIN_LENGTH}–{MAX_LENGTH} tegn, har {len(value)}"
        )
    if not isdigits(value[:-1]) or not (isdigits(value[-1]) or value[-1] == "-"):
        raise InvalidIdentifier(f"KID «{value}» kan bare inneholde siffer (og «-» sist)")
    methods = METHODS if method is None else (method,)
    if not any(_matches(value, m) for m in methods):
        raise InvalidIdentifier(f"KID «{value}» har feil kontrollsiffer ({'/'.join(methods)})")
    return value


def is_valid(number: str, method: Method | None = None) -> bool:
    try:
        return bool(validate(number, method))
    except InvalidIdentifier:
        return False


def format(number: str) -> str:
    return compact(number)
