"""An import file's bytes as text.

Given no encoding, a byte order mark decides; else the file is UTF-8 if it decodes as UTF-8,
and otherwise Windows-1252, which is what Excel writes on a Norwegian PC (``æøå`` as one byte
each). The guess is said as an INFO finding. A byte the encoding cannot read is a BLOCKING
finding naming the line, the column and the value around it, never an exception.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field

from oppgjor.clinic.adapters.rows import show_value
from oppgjor.core.findings import Finding, FindingCode, Location, Severity

ENCODING_GUESSED = FindingCode(
    "IMPORT_ENCODING_GUESSED",
    Severity.INFO,
    "Filen var ikke UTF-8 og ble lest som Windows-1252 (Excel på norsk PC).",
)
ENCODING_INVALID = FindingCode(
    "IMPORT_ENCODING_INVALID",
    Severity.BLOCKING,
    "Filen kan ikke leses med tegnsettet (oppgi riktig tegnsett med --encoding).",
)
CODES = (ENCODING_GUESSED, ENCODING_INVALID)

EXCEL_NORWEGIAN = "cp1252"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LABELS = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


@dataclass(frozen=True)
class Decoded:
    """The text (None when the file cannot be read), the encoding used and the findings."""

    text: str | None
    encoding: str
    findings: list[Finding] = field(default_factory=list)


def delimiter_of(text: str) -> str:
    """``;`` if the header line has more of them than ``,`` (Excel's Norwegian CSV), else
    ``,``."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def decode(data: bytes, encoding: str | None = None, *, csv_columns: bool = True) -> Decoded:
    """*data* as text in *encoding*, or in the detected one. With *csv_columns*, a bad byte
    is located by the CSV column it falls in (the header names it)."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            message = f"Ukjent tegnsett «{show_value(encoding)}» (f.eks. utf-8 eller cp1252)."
            return Decoded(None, encoding, [ENCODING_INVALID(message, Location(field="fil"))])
        return _decode_as(data, "utf-8-sig" if name == "utf-8" else name, csv_columns)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, name, csv_columns)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    decoded = _decode_as(data, EXCEL_NORWEGIAN, csv_columns)
    if decoded.text is None:
        return decoded
    guessed = ENCODING_GUESSED(
        "Filen er ikke UTF-8; den ble lest som Windows-1252 (standard for Excel på norsk PC). "
        "Ser æ, ø eller å feil ut, importer på nytt med --encoding.",
        Location(field="fil"),
    )
    return Decoded(decoded.text, decoded.encoding, [guessed])


def _decode_as(data: bytes, encoding: str, csv_columns: bool) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        return Decoded(None, encoding, [_undecodable(data, encoding, exc, csv_columns)])
    except (LookupError, ValueError) as exc:  # a codec that is not a text encoding
        message = f"Tegnsettet «{show_value(encoding)}» kan ikke brukes her ({exc})."
        return Decoded(None, encoding, [ENCODING_INVALID(message, Location(field="fil"))])


def _undecodable(data: bytes, encoding: str, exc: UnicodeDecodeError, csv_columns: bool) -> Finding:
    before = data[: exc.start].decode(encoding, errors="replace")
    line = before.count("\n") + 1
    start_of_line = before.rfind("\n") + 1
    rest = data[exc.start :].decode(encoding, errors="replace").split("\n", 1)[0]
    text_of_line = before[start_of_line:] + rest
    column, value = _column_at(before, start_of_line, text_of_line, csv_columns)
    label = _LABELS.get(encoding.removesuffix("-sig"), encoding)
    bad = " ".join(f"0x{b:02X}" for b in exc.object[exc.start : exc.end])
    where = Location(field=column, row=line) if column else Location(field="fil", row=line)
    shown = f" = «{show_value(value, column)}»" if value else ""
    return ENCODING_INVALID(
        f"Linje {line}{f', {column}' if column else ''}{shown}: bytene {bad} kan ikke leses som "
        f"{label}. Lagre filen som UTF-8, eller oppgi filens tegnsett med --encoding "
        "(f.eks. cp1252 for Excel på norsk PC).",
        where,
    )


def _column_at(before: str, start: int, line_text: str, csv_columns: bool) -> tuple[str, str]:
    """The header's name of the CSV column the bad byte is in, and that field's text."""
    if not csv_columns or start == 0:
        return "", line_text
    header_line = before.split("\n", 1)[0].lstrip("\ufeff")
    delimiter = delimiter_of(header_line)
    try:
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        fields = next(csv.reader([line_text], delimiter=delimiter), [])
        prefix = next(csv.reader([before[start:]], delimiter=delimiter), [""])
    except csv.Error:
        return "", line_text
    index = max(len(prefix) - 1, 0)
    name = header[index].strip() if index < len(header) else ""
    value = fields[index] if index < len(fields) else line_text
    return name, value
