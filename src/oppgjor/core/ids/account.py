"""Norwegian bank account number (kontonummer), validated by python-stdnum (MOD11).

>>> validate("8601.11.17947")
'86011117947'
>>> format("86011117947")
'8601.11.17947'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.no import kontonr as _kontonr

from oppgjor.core.ids.errors import InvalidIdentifier


def compact(number: str) -> str:
    return str(_kontonr.compact(number))


def validate(number: str) -> str:
    value = compact(number)
    if not value:
        raise InvalidIdentifier("Kontonummer mangler")
    if len(value) != 11:
        raise InvalidIdentifier(f"Kontonummer «{value}» må ha 11 siffer, har {len(value)}")
    try:
        return str(_kontonr.validate(value))
    except ValidationError:
        raise InvalidIdentifier(f"Kontonummer «{value}» har feil kontrollsiffer") from None


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except InvalidIdentifier:
        return False


def format(number: str) -> str:
    return str(_kontonr.format(number))
