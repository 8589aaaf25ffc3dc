"""Norwegian national identity numbers: fødselsnummer (FNR), D-nummer (DNR), H-nummer (HNR).

Eleven digits ``DDMMYY III K1 K2``: birth date, individual number and two MOD11 check digits
(computed with python-stdnum). A D-number adds 40 to the day, an H-number (nødnummer) adds 40
to the month. Synthetic test identities, as issued for test environments (Skatteetaten's
Tenor), add 80 to the month; they are accepted only when the caller allows it (a test
installation).

The full number never appears in an error message: see :func:`mask`.

>>> validate("15058612337", allow_synthetic=False)
Traceback (most recent call last):
...
oppgjor.core.ids.errors.InvalidIdentifier: Fødselsnummer 150586***** har feil kontrollsiffer
>>> mask("15058612345")
'150586*****'
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from stdnum.no import fodselsnummer as _fnr
from stdnum.util import clean, isdigits

from oppgjor.core.ids.errors import InvalidIdentifier


class Kind(StrEnum):
    FNR = "FNR"
    DNR = "DNR"
    HNR = "HNR"


LABELS = {Kind.FNR: "Fødselsnummer", Kind.DNR: "D-nummer", Kind.HNR: "H-nummer"}
SYNTHETIC_MONTH_OFFSET = 80
H_MONTH_OFFSET = 40
D_DAY_OFFSET = 40


def compact(number: str) -> str:
    if number.isascii() and number.isdigit():  # already compact (as stored): nothing to clean
        return number
    return str(clean(number, " -.")).strip()


def mask(number: str) -> str:
    """Show the first six digits only, as in logs and messages: ``150586*****``."""
    value = compact(number)
    return value[:6] + "*" * max(len(value) - 6, 0)


def _parts(value: str) -> tuple[int, int, int, int]:
    return int(value[0:2]), int(value[2:4]), int(value[4:6]), int(value[6:9])


def kind(number: str) -> Kind:
    day, month, _, _ = _parts(compact(number))
    if day > D_DAY_OFFSET:
        return Kind.DNR
    if H_MONTH_OFFSET < month <= H_MONTH_OFFSET + 12:
        return Kind.HNR
    return Kind.FNR


def is_synthetic(number: str) -> bool:
    month = _parts(compact(number))[1]
    return month > SYNTHETIC_MONTH_OFFSET


def _century(individual: int, yy: int) -> int | None:
    if individual < 500:
        return 1900
    if individual < 750 and yy >= 54:
        return 1800
    if yy < 40:
        return 2000
    if individual >= 900:
        return 1900
    return None


def birth_date(number: str) -> datetime.date:
    """The birth date the number encodes (D-, H- and synthetic offsets removed)."""
    value = compact(number)
    day, month, yy, individual = _parts(value)
    label = LABELS[kind(value)]
    if day > D_DAY_OFFSET:
        day -= D_DAY_OFFSET
    if month > SYNTHETIC_MONTH_OFFSET:
        month -= SYNTHETIC_MONTH_OFFSET
    elif month > H_MONTH_OFFSET:
        month -= H_MONTH_OFFSET
    century = _century(individual, yy)
    if century is None:
        raise InvalidIdentifier(f"{label} {mask(value)} har ugyldig individnummer for årstallet")
    try:
        return datetime.date(century + yy, month, day)
    except ValueError:
        raise InvalidIdentifier(f"{label} {mask(value)} inneholder ingen gyldig dato") from None


def check_digits(first_nine: str) -> str | None:
    """The two check digits for the first nine digits, or None if no valid number exists."""
    k1 = str(_fnr.calc_check_digit1(first_nine))
    if len(k1) != 1:
        return None
    k2 = str(_fnr.calc_check_digit2(first_nine + k1))
    return k1 + k2 if len(k2) == 1 else None


def validate(
    number: str, *, allow_synthetic: bool = False, today: datetime.date | None = None
) -> str:
    """Return the compact number, or raise :class:`InvalidIdentifier` (number masked)."""
    value = compact(number)
    if not value:
        raise InvalidIdentifier("Fødselsnummer mangler")
    if len(value) != 11 or not isdigits(value):
        raise InvalidIdentifier(f"Fødselsnummer {mask(value)} må ha 11 siffer")
    label = LABELS[kind(value)]
    if check_digits(value[:9]) != value[9:]:
        raise InvalidIdentifier(f"{label} {mask(value)} har feil kontrollsiffer")
    if is_synthetic(value) and not allow_synthetic:
        raise InvalidIdentifier(
            f"{label} {mask(value)} er et syntetisk testnummer; det godtas bare i en "
            "testinstallasjon"
        )
    if birth_date(value) > (today or datetime.date.today()):
        raise InvalidIdentifier(f"{label} {mask(value)} har fødselsdato fram i tid")
    return value


def is_valid(number: str, *, allow_synthetic: bool = False) -> bool:
    try:
        return bool(validate(number, allow_synthetic=allow_synthetic))
    except InvalidIdentifier:
        return False


def format(number: str) -> str:
    value = compact(number)
    return value[:6] + " " + value[6:]


def make(
    born: datetime.date, individual: int, *, kind_: Kind = Kind.FNR, synthetic: bool = False
) -> str | None:
    """Build a number for *born* and *individual* (000–999), or None if none exists.

    Used to create synthetic test identities and in property tests.
    """
    day, month = born.day, born.month
    if kind_ is Kind.DNR:
        day += D_DAY_OFFSET
    if kind_ is Kind.HNR:
        month += H_MONTH_OFFSET
    if synthetic:
        if kind_ is Kind.HNR:
            return None
        month += SYNTHETIC_MONTH_OFFSET
    if _century(individual, born.year % 100) != born.year - born.year % 100:
        return None
    first = f"{day:02d}{month:02d}{born.year % 100:02d}{individual:03d}"
    digits = check_digits(first)
    return first + digits if digits else None
