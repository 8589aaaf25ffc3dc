"""Organisasjonsnummer (Enhetsregisteret), validated by python-stdnum (MOD11).

>>> validate("889 640 782")
'889640782'
>>> format("889640782")
'889 640 782'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.no import orgnr as _orgnr

from oppgjor.core.ids.errors import InvalidIdentifier


def compact(number: str) -> str:
    return str(_orgnr.compact(number))


def validate(number: str) -> str:
    value = compact(number)
    if not value:
        raise InvalidIdentifier("Organisasjonsnummer mangler")
    try:
        return str(_orgnr.validate(value))
    except ValidationError:
        raise InvalidIdentifier(
            f"Organisasjonsnummer «{value}» er ugyldig (9 siffer med gyldig kontrollsiffer)"
        ) from None


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except InvalidIdentifier:
        return False


def format(number: str) -> str:
    return str(_orgnr.format(number))
