"""The clinic's records as CSV and JSON files, read and written by a :class:`RowSpec`.

Reading collects every bad field of every row as a finding (``rad N.kolonne``), so an import
report lists all bad rows, not just the first. The specs of the kinds of record are in
:mod:`oppgjor.clinic.adapters.record_rows`; which spec belongs to which kind is said once, in
the registry (``oppgjor.app.clinic.kinds``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from oppgjor.clinic.adapters import file_rows
from oppgjor.clinic.adapters.rows import DUPLICATE_ROW, FILE_INVALID, RowReader, cell, show_value
from oppgjor.core.findings import Finding

Format = Literal["csv", "json"]
Parsed = tuple[list[tuple[int, Any]], list[Finding]]  # (line no., record) and the findings
JsonRows = list[dict[str, Any]]


@dataclass(frozen=True)
class RowSpec:
    """One kind of record as a row.

    ``columns`` maps each column, in file order, to its Norwegian help text (the CLI's
    options); ``build`` reads a record from a row; ``key`` is the record's key in the file
    (duplicates are refused); ``cells`` formats the columns that are not written as plain
    values; ``adapt_json`` turns other JSON layouts of the same records into ours.
    """

    columns: Mapping[str, str]
    build: Callable[[RowReader], Any]
    key: Callable[[Any], str]
    cells: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    adapt_json: Callable[[JsonRows], JsonRows] | None = None

    def row_of(self, record: Any) -> dict[str, str]:
        row = {}
        for column in self.columns:
            value = getattr(record, column, None)
            special = self.cells.get(column)
            row[column] = cell(special(value) if special is not None else value)
        return row


def read(spec: RowSpec, text: str, fmt: Format = "csv") -> Parsed:
    return read_csv(spec, text) if fmt == "csv" else read_json(spec, text)


def read_csv(spec: RowSpec, text: str) -> Parsed:
    """Parse *text* (``,`` or ``;`` separated, header row first) into (line no., record)."""
    header, rows, unreadable = file_rows.csv_rows(text.lstrip("\ufeff"))
    problem = _header_problem(spec, header)
    if problem:
        return [], [FILE_INVALID(problem, "fil")]
    # missing fields read as empty
    records, findings = _build_rows(
        spec, ((line, dict(zip(header, row, strict=False))) for line, row in rows)
    )
    return records, [*findings, *unreadable]


def _header_problem(spec: RowSpec, header: list[str]) -> str | None:
    unknown = [show_value(h) for h in header if h not in spec.columns]
    twice = sorted({h for h in header if header.count(h) > 1})
    if header and not unknown and not twice:
        return None
    valid = f" Gyldige kolonner: {', '.join(spec.columns)}."
    if not header:
        return "Filen har ingen overskriftsrad." + valid
    if unknown:
        return f"Ukjente kolonner: {', '.join(unknown[:10])}." + valid
    return f"Kolonner som står flere ganger: {', '.join(twice)}."


def read_json(spec: RowSpec, text: str) -> Parsed:
    """Parse a JSON list of objects (or an object holding one) into (position, record)."""
    data, findings = file_rows.json_objects(text)
    if data is None:
        return [], findings
    if spec.adapt_json is not None:
        data = spec.adapt_json(data)
    return read_json_rows(spec, data)


def read_json_rows(spec: RowSpec, rows: JsonRows) -> Parsed:
    cells, findings = file_rows.json_cells(rows)
    records, more = _build_rows(spec, cells)
    return records, [*findings, *more]


def _build_rows(spec: RowSpec, rows: Iterable[tuple[int, dict[str, str]]]) -> Parsed:
    records: list[tuple[int, Any]] = []
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        reader = RowReader(row, f"rad {line}")
        record = spec.build(reader)
        if reader.findings:
            findings.extend(reader.findings)
            continue
        key = spec.key(record)
        if key and key in seen:
            findings.append(
                DUPLICATE_ROW(
                    f"rad {line}: «{show_value(key)}» står også på rad {seen[key]}.", f"rad {line}"
                )
            )
            continue
        if key:
            seen[key] = line
        records.append((line, record))
    return records, findings


def write(spec: RowSpec, records: Iterable[Any], fmt: Format = "csv") -> str:
    return write_csv(spec, records) if fmt == "csv" else write_json(spec, records)


def write_csv(spec: RowSpec, records: Iterable[Any]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(spec.columns), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(spec.row_of(record))
    return buf.getvalue()


def write_json(spec: RowSpec, records: Iterable[Any]) -> str:
    return json.dumps([spec.row_of(r) for r in records], ensure_ascii=False, indent=2) + "\n"
