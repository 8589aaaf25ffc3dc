"""The rows of an import file, read without ever raising: a CSV's header and rows, a JSON
file's objects with each value as the text of a cell.

What the ``csv`` and ``json`` modules refuse (a field over the csv module's size limit, a bare
carriage return, nesting deeper than the parser's recursion, integers over Python's 4 300
digit conversion limit, ``NaN``) becomes a finding naming the row, the column and the value.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from oppgjor.clinic.adapters.decoding import delimiter_of
from oppgjor.clinic.adapters.rows import FIELD_INVALID, FILE_INVALID, cell, show_value
from oppgjor.core.findings import Finding, Location

CsvRows = tuple[list[str], list[tuple[int, list[str]]], list[Finding]]
JsonCells = tuple[list[tuple[int, dict[str, str], frozenset[str]]], list[Finding]]

_CSV_REASONS = {
    "field larger than field limit": "feltet er lengre enn {limit} tegn",
    "new-line character seen in unquoted field": "et linjeskift (CR) står midt i et felt "
    "uten anførselstegn",
}


class _Constant(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a JSON file: not a number we can store."""


def csv_rows(text: str) -> CsvRows:
    """The header, the rows with the line each starts on, and a finding if a row cannot be
    read (then the rows before it only)."""
    delimiter = delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        start = reader.line_num + 1
        for row in reader:
            if row:  # as csv.DictReader: blank lines are not rows
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        return header, rows, [_unreadable(text, delimiter, start, str(exc), header)]
    return header, rows, []


def _unreadable(text: str, delimiter: str, line: int, error: str, header: list[str]) -> Finding:
    record = "\n".join(text.split("\n")[line - 1 :]) if line > 1 else text
    index, value = _long_field(record, delimiter, csv.field_size_limit())
    reason = next(
        (why for english, why in _CSV_REASONS.items() if english in error),
        f"raden kan ikke leses som CSV ({error})",
    ).format(limit=csv.field_size_limit())
    column = header[index] if index is not None and index < len(header) else ""
    shown = f", {column} = «{show_value(value, column)}»" if column else ""
    return FILE_INVALID(f"Rad {line}{shown}: {reason}.", Location(field=column or "fil", row=line))


def _long_field(record: str, delimiter: str, limit: int) -> tuple[int | None, str]:
    """The position and start of the first field of *record* longer than *limit*."""
    index, length, start, quoted = 0, 0, 0, False
    for n, ch in enumerate(record):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == delimiter:
            index, length, start = index + 1, 0, n + 1
            continue
        elif not quoted and ch == "\n":
            break
        length += 1
        if length > limit:
            return index, record[start : start + 80]
    return None, ""


def json_objects(text: str) -> tuple[list[dict[str, Any]] | None, list[Finding]]:
    """A JSON list of objects (or an object holding one). Numbers are kept as written (text),
    so neither a 5 000-digit integer nor ``1e999999999`` is converted here."""
    try:
        data = json.loads(text, parse_int=str, parse_float=str, parse_constant=_Constant)
    except json.JSONDecodeError as exc:
        return None, [FILE_INVALID(f"Ugyldig JSON på linje {exc.lineno}: {exc.msg}.", "fil")]
    except RecursionError:
        return None, [FILE_INVALID("JSON-filen er nestet for dypt til å leses.", "fil")]
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        return None, [FILE_INVALID("JSON-filen må være en liste av objekter.", "fil")]
    return data, []


def json_cells(rows: list[dict[str, Any]]) -> JsonCells:
    """Each object's values as cell text, numbered from 1, with the names of the values that
    are not cells (a list, an object or ``NaN``): each is a finding, and the row is read
    without it, so its other fields are checked too."""
    cells: list[tuple[int, dict[str, str], frozenset[str]]] = []
    findings: list[Finding] = []
    for n, row in enumerate(rows, start=1):
        odd = frozenset(k for k, v in row.items() if _is_not_a_cell(v))
        findings.extend(_not_a_cell(n, k, row[k]) for k in row if k in odd)
        cells.append((n, {k: cell(v) for k, v in row.items() if k not in odd}, odd))
    return cells, findings


def _is_not_a_cell(value: Any) -> bool:
    return isinstance(value, list | dict | _Constant)


def _not_a_cell(n: int, name: str, value: Any) -> Finding:
    shown = show_value(name)
    if isinstance(value, _Constant):
        why = f"«{value}» er ikke et tall som kan lagres"
    else:
        what = "en liste" if isinstance(value, list) else "et objekt"
        why = f"må være tekst eller et tall, ikke {what}"
    return FIELD_INVALID(f"rad {n}, {shown}: {why}", Location(field=shown, row=n))
