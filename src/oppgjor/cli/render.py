"""Rendering for the CLI: Rich tables for people, JSON for scripts. National ids masked."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.core.findings import Finding

out = Console()
err = Console(stderr=True)

SEVERITY_STYLE = {"BLOCKING": "bold red", "WARNING": "yellow", "INFO": "cyan"}


# Norwegian labels of record fields in human output (JSON keeps the English field names)
FIELD_LABELS: dict[str, str] = {}


def field_label(name: str) -> str:
    """The Norwegian label of a record field (the field's own name where none is set)."""
    return FIELD_LABELS.get(name, name)


def print_changes(
    label: str, changes: Mapping[str, tuple[Any, Any]], console: Console = out
) -> None:
    """What an update changed, one line per field (``felt: før → etter``), or that nothing
    did. *label* names the record, e.g. ``serie S005``."""
    if not changes:
        console.print(f"Ingen endringer i {label}.")
        return
    console.print(f"[green]Endret {label}:[/]")
    for name, (before, after) in changes.items():
        old = "(tom)" if before in (None, "") else str(before)
        new = "(tom)" if after in (None, "") else str(after)
        console.print(f"  {field_label(name)}: {old} → {new}", highlight=False)


def row_of(kind: str, record: Any) -> dict[str, str]:
    """*record* as its file row (every column as text), national ids as stored."""
    spec = KINDS[kind].rows
    assert spec is not None, f"{kind} has no rows"
    return spec.row_of(record)


def masked_row(kind: str, record: Any) -> dict[str, str]:
    """*record* as its file row, its identity number masked (``150586*****``)."""
    return row_of(kind, records.masked(kind, record))


def print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def print_records(kind: str, records: Sequence[Any], as_json: bool, title: str) -> None:
    rows = [masked_row(kind, r) for r in records]
    if as_json:
        print_json(rows)
        return
    columns = KINDS[kind].list_columns
    table = Table(title=f"{title} ({len(rows)})")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(row.get(c, "") for c in columns))
    out.print(table)


def print_record(kind: str, record: Any, as_json: bool, *, revealed: bool = False) -> None:
    """One record, its identity number masked unless it was *revealed* (and audited)."""
    row = row_of(kind, record) if revealed else masked_row(kind, record)
    if as_json:
        print_json(row)
        return
    table = Table(show_header=False)
    for key, value in row.items():
        table.add_row(key, value)
    out.print(table)


def print_findings(findings: Iterable[Finding], console: Console = out) -> None:
    findings = list(findings)
    if not findings:
        return
    linked = any(f.link for f in findings)
    table = Table(title="Funn")
    for column in ("alvorlighet", "kode", "hvor", "melding", *(["rett i"] if linked else [])):
        table.add_column(column)
    for f in findings:
        style = SEVERITY_STYLE.get(f.severity.value, "")
        # the location and message may repeat what a file held: shown as text, never markup
        cells: list[Text | str] = [
            Text(f.severity.value, style),
            f.code,
            Text(f.location),
            Text(f.message),
        ]
        table.add_row(*cells, *([Text(f.fix or f.link)] if linked else []))
    console.print(table)
