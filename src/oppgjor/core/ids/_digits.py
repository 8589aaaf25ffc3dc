"""Plain numeric identifiers without a check digit (HPR, HER-id, RESH)."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.util import clean, isdigits

from oppgjor.core.ids.errors import InvalidIdentifier


@dataclass(frozen=True)
class NumericIdentifier:
    label: str
    min_len: int
    max_len: int

    def compact(self, number: str) -> str:
        return str(clean(number, " -.")).strip()

    def validate(self, number: str) -> str:
        value = self.compact(number)
        if not value:
            raise InvalidIdentifier(f"{self.label} mangler")
        if not isdigits(value):
            raise InvalidIdentifier(f"{self.label} «{value}» kan bare inneholde siffer")
        if not self.min_len <= len(value) <= self.max_len:
            raise InvalidIdentifier(
                f"{self.label} «{value}» må ha {self.min_len}–{self.max_len} siffer, "
                f"har {len(value)}"
            )
        if int(value) == 0:
            raise InvalidIdentifier(f"{self.label} kan ikke være 0")
        return value

    def is_valid(self, number: str) -> bool:
        try:
            return bool(self.validate(number))
        except InvalidIdentifier:
            return False

    def format(self, number: str) -> str:
        return self.compact(number)
