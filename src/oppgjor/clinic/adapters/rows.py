"""Reading the fields of one CSV/JSON row, and writing values back as cells.

A bad field is a finding (``rad N.kolonne``), never an exception, so an import report lists
every bad field of every row, not just the first.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from oppgjor.clinic.domain.model import TariffLine
from oppgjor.core.findings import Finding, FindingCode, Severity
from oppgjor.core.money import nok

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
_SHOWN = 60  # the most characters of a bad value a finding repeats
_ELEVEN_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{5}(?![0-9])")  # what may be a national id
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_LINE = re.compile(r"([^*\s]+)(?:\*([0-9]{1,9}))?")
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# dates outside these years are typing errors; inside them, day arithmetic never overflows
FIRST_YEAR, LAST_YEAR = 1800, 2999
# the most of one tariff on one appointment line: a sanity bound well above any real count
MAX_QUANTITY = 999


def show_value(value: str, name: str = "") -> str:
    r"""*value* as a finding may repeat it: national ids masked (the whole value in an id
    column, and anything that looks like one elsewhere), unprintable characters replaced,
    at most a line long.

    >>> show_value("15058612337 Kari"), show_value("x\x00y"), show_value("1" * 70)[-2:]
    ('150586***** Kari', 'x�y', '1…')
    """
    if name in _SECRET_COLUMNS:
        value = value[:6] + "*" * min(max(len(value) - 6, 0), _SHOWN)
    value = _ELEVEN_DIGITS.sub(r"\1*****", value[: _SHOWN + 12])
    value = "".join("\ufffd" if _unprintable(ch) else ch for ch in value)
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


def _unprintable(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS


# the characters _unprintable names (categories Cc and Cs, less the allowed controls), for a
# quick look at a whole value: most values have none, and are not read a character at a time
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_characters(value: str) -> str | None:
    """Why *value* cannot be stored as text (a NUL, control characters, half a surrogate
    pair), or None."""
    if _UNPRINTABLE.search(value) is None:
        return None
    found = sorted({f"U+{ord(ch):04X}" for ch in value if _unprintable(ch)})
    if not found:
        return None
    return f"inneholder tegn som ikke kan lagres ({', '.join(found[:3])})"


class RowReader:
    """Typed access to one row's fields; bad values become findings, not exceptions.

    *columns*: the columns the file has (None: any). A required column the file lacks is not
    a finding of the row but is noted in ``missing``, for one finding about the file.
    *reported*: fields already reported bad (a JSON list where a value belongs): not again.
    """

    def __init__(
        self,
        row: dict[str, str],
        location: str,
        columns: frozenset[str] | None = None,
        reported: frozenset[str] = frozenset(),
    ) -> None:
        self.row = row
        self.location = location
        self.columns = columns
        self.reported = reported
        self.findings: list[Finding] = []
        self.missing: set[str] = set()
        # a required date, time or amount could not be read: the record holds a stand-in
        # (year 1, zero) and is not fit to be checked further
        self.stand_in = False

    def bad(self, name: str, value: str, why: str) -> None:
        """Record that field *name* holds *value*, which cannot be used because *why*."""
        if name in self.reported:
            return
        shown = show_value(value, name)
        self.findings.append(
            FIELD_INVALID(f"{self.location}, {name} = «{shown}»: {why}", f"{self.location}.{name}")
        )

    def text(self, name: str, required: bool = False) -> str | None:
        value = (self.row.get(name) or "").strip()
        if not value:
            if required and self.columns is not None and name not in self.columns:
                self.missing.add(name)
            elif required:
                self.bad(name, value, "må fylles ut")
            return None
        why = bad_characters(value)
        if why is not None:
            self.bad(name, value, why)
            return None
        return value

    def req(self, name: str) -> str:
        return self.text(name, required=True) or ""

    def _convert(
        self, name: str, required: bool, convert: Callable[[str], T], why: str
    ) -> T | None:
        value = self.text(name, required)
        if value is None:
            self.stand_in = self.stand_in or required
            return None
        try:
            return convert(value)
        except (ValueError, ArithmeticError):  # InvalidAmount, and decimal's InvalidOperation
            self.bad(name, value, why)
            self.stand_in = self.stand_in or required
            return None

    def date(self, name: str, required: bool = False) -> datetime.date | None:
        return self._convert(
            name, required, _in_years(parse_date), "ugyldig dato (bruk ÅÅÅÅ-MM-DD)"
        )

    def datetime(self, name: str) -> datetime.datetime | None:
        return self._convert(
            name, True, _in_years(parse_datetime), "ugyldig tidspunkt (bruk ÅÅÅÅ-MM-DD TT:MM)"
        )

    def money(self, name: str) -> Decimal | None:
        return self._convert(name, True, nok, "ugyldig beløp (f.eks. 1234,50)")

    def integer(self, name: str) -> int | None:
        return self._convert(name, False, parse_integer, "må være et heltall")

    def boolean(self, name: str) -> bool | None:
        return self._convert(name, False, parse_bool, "bruk ja eller nei")

    def choice(
        self, name: str, enum: Any, default: Any = None, words: Mapping[str, Any] | None = None
    ) -> Any:
        """A value of *enum*, or one of its other *words* (Norwegian ones, say)."""
        value = self.text(name)
        if value is None:
            return default
        if words is not None and value.lower() in words:
            return words[value.lower()]
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(words or (e.value for e in enum))
            self.bad(name, value, f"må være en av {allowed}")
            return default


D = TypeVar("D", datetime.date, datetime.datetime)


def _in_years(parse: Callable[[str], D]) -> Callable[[str], D]:
    """*parse*, refusing a year outside FIRST_YEAR..LAST_YEAR."""

    def parse_in_years(value: str) -> D:
        parsed = parse(value)
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise ValueError(value)
        return parsed

    return parse_in_years


def parse_integer(value: str) -> int:
    """A whole number written with the digits 0-9 (no ``1_000``, no other scripts' digits)."""
    if not _INTEGER.fullmatch(value):
        raise ValueError(value)
    return int(value)


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
    """``"FBV1 A2*2"`` → two lines; quantity after ``*``, 1 to MAX_QUANTITY.

    >>> parse_lines("FBV1 A2*2")
    (TariffLine(code='FBV1', quantity=1), TariffLine(code='A2', quantity=2))
    """
    lines = []
    for token in value.split():
        match = _LINE.fullmatch(token)
        if match is None:
            raise ValueError(token)
        quantity = int(match[2]) if match[2] else 1
        if not 1 <= quantity <= MAX_QUANTITY:
            raise ValueError(token)
        lines.append(TariffLine(match[1], quantity))
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
