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


@dataclass(frozen=True)
class Read:
    """What reading a file gave: (line no., record) of the rows read, rows with bad fields
    among them so that the rules check their other fields (the findings say which rows;
    never to be written), the findings, and the number of data rows in the file."""

    records: list[tuple[int, Any]]
    findings: list[Finding]
    rows: int


def read(spec: RowSpec, text: str, fmt: Format = "csv") -> Parsed:
    found = read_file(spec, text, fmt)
    return found.records, found.findings


def read_file(spec: RowSpec, text: str, fmt: Format = "csv") -> Read:
    return read_csv(spec, text) if fmt == "csv" else read_json(spec, text)


def read_csv(spec: RowSpec, text: str) -> Read:
    """Parse *text* (``,`` or ``;`` separated, header row first) into (line no., record)."""
    header, rows, unreadable = file_rows.csv_rows(text.lstrip("\ufeff"))
    problem = _header_problem(spec, header)
    if problem:
        return Read([], [FILE_INVALID(problem, "fil")], len(rows))
    # missing fields read as empty
    cells = ((line, dict(zip(header, row, strict=False)), _NONE) for line, row in rows)
    records, findings = _build_rows(spec, cells, frozenset(header))
    return Read(records, [*findings, *unreadable], len(rows))


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


def read_json(spec: RowSpec, text: str) -> Read:
    """Parse a JSON list of objects (or an object holding one) into (position, record)."""
    data, findings = file_rows.json_objects(text)
    if data is None:
        return Read([], findings, 0)
    if spec.adapt_json is not None:
        data = spec.adapt_json(data)
    return read_json_rows(spec, data)


def read_json_rows(spec: RowSpec, rows: JsonRows) -> Read:
    cells, findings = file_rows.json_cells(rows)
    columns = frozenset(name for row in rows for name in row)
    records, more = _build_rows(spec, cells, columns)
    return Read(records, [*findings, *more], len(rows))


_NONE: frozenset[str] = frozenset()
Cells = Iterable[tuple[int, dict[str, str], frozenset[str]]]


def _build_rows(spec: RowSpec, rows: Cells, columns: frozenset[str]) -> Parsed:
    """Every row read into a record, every bad field of it a finding; a required column the
    file lacks is one finding about the file, not one per row."""
    records: list[tuple[int, Any]] = []
    findings: list[Finding] = []
    missing: set[str] = set()
    seen: dict[str, int] = {}
    for line, row, reported in rows:
        reader = RowReader(row, f"rad {line}", columns, reported)
        record = spec.build(reader)
        findings.extend(reader.findings)
        missing |= reader.missing
        if reader.stand_in:
            continue  # its bad fields are reported; the rules cannot judge a stand-in
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
    if missing:
        findings.insert(0, FILE_INVALID(_missing_columns(spec, missing), "fil"))
    return records, findings


def _missing_columns(spec: RowSpec, missing: set[str]) -> str:
    names = ", ".join(f"«{c}»" for c in spec.columns if c in missing)
    what = "Kolonnen" if len(missing) == 1 else "Kolonnene"
    return (
        f"{what} {names} mangler i filen og må fylles ut på hver rad. "
        f"Gyldige kolonner: {', '.join(spec.columns)}."
    )


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
