"""Reading the fields of one CSV/JSON row, and writing values back as cells.

A bad field is a finding (``rad N.kolonne``), never an exception, so an import report lists
every bad field of every row, not just the first.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from oppgjor.clinic.domain.model import TariffLine
from oppgjor.core.findings import Finding, FindingCode, Severity
from oppgjor.core.ids import national_id
from oppgjor.core.money import InvalidAmount, nok

T = TypeVar("T")

FIELD_INVALID = FindingCode(
    "IMPORT_FIELD_INVALID", Severity.BLOCKING, "Et felt i importfilen kan ikke leses."
)
FILE_INVALID = FindingCode(
    "IMPORT_FILE_INVALID", Severity.BLOCKING, "Importfilen kan ikke leses (format eller kolonner)."
)
DUPLICATE_ROW = FindingCode(
    "IMPORT_DUPLICATE", Severity.BLOCKING, "Samme nøkkel forekommer flere ganger i filen."
)
CODES = (FIELD_INVALID, FILE_INVALID, DUPLICATE_ROW)

_TRUE = {"1", "ja", "j", "yes", "y", "true", "sann"}
_FALSE = {"0", "nei", "n", "no", "false", "usann"}
_SECRET_COLUMNS = {"id_value"}


class RowReader:
    """Typed access to one row's fields; bad values become findings, not exceptions."""

    def __init__(self, row: dict[str, str], location: str) -> None:
        self.row = row
        self.location = location
        self.findings: list[Finding] = []

    def bad(self, name: str, value: str, why: str) -> None:
        """Record that field *name* holds *value*, which cannot be used because *why*."""
        shown = national_id.mask(value) if name in _SECRET_COLUMNS else value
        self.findings.append(
            FIELD_INVALID(f"{self.location}, {name} = «{shown}»: {why}", f"{self.location}.{name}")
        )

    def text(self, name: str, required: bool = False) -> str | None:
        value = (self.row.get(name) or "").strip()
        if not value:
            if required:
                self.bad(name, value, "må fylles ut")
            return None
        return value

    def req(self, name: str) -> str:
        return self.text(name, required=True) or ""

    def _convert(
        self, name: str, required: bool, convert: Callable[[str], T], why: str
    ) -> T | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return convert(value)
        except (ValueError, InvalidAmount):
            self.bad(name, value, why)
            return None

    def date(self, name: str, required: bool = False) -> datetime.date | None:
        return self._convert(name, required, parse_date, "ugyldig dato (bruk ÅÅÅÅ-MM-DD)")

    def datetime(self, name: str) -> datetime.datetime | None:
        return self._convert(
            name, True, parse_datetime, "ugyldig tidspunkt (bruk ÅÅÅÅ-MM-DD TT:MM)"
        )

    def money(self, name: str) -> Decimal | None:
        return self._convert(name, True, nok, "ugyldig beløp (f.eks. 1234,50)")

    def integer(self, name: str) -> int | None:
        return self._convert(name, False, int, "må være et heltall")

    def boolean(self, name: str) -> bool | None:
        return self._convert(name, False, parse_bool, "bruk ja eller nei")

    def choice(self, name: str, enum: Any, default: Any = None) -> Any:
        value = self.text(name)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.bad(name, value, f"må være en av {allowed}")
            return default


def parse_date(value: str) -> datetime.date:
    if len(value) == 10 and value[4] == "-":
        return datetime.date.fromisoformat(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


@functools.lru_cache(maxsize=65536)  # an import's appointments share few distinct times
def parse_datetime(value: str) -> datetime.datetime:
    value = value.replace("T", " ")
    if len(value) in (16, 19) and value[4] == "-":
        return datetime.datetime.fromisoformat(value)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M"):
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(value)


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(value)


@functools.lru_cache(maxsize=4096)  # and few distinct tariff lines
def parse_lines(value: str) -> tuple[TariffLine, ...]:
    """``"FBV1 A2*2"`` → two lines; quantity after ``*``."""
    lines = []
    for token in value.split():
        code, _, qty = token.partition("*")
        lines.append(TariffLine(code, int(qty) if qty else 1))
    return tuple(lines)


def format_lines(lines: Iterable[TariffLine]) -> str:
    return " ".join(f"{x.code}*{x.quantity}" if x.quantity != 1 else x.code for x in lines)


def cell(value: Any) -> str:
    """A value as the text of one cell: ``ja``/``nei``, minutes for times, enum values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)
