"""Rendering for the CLI: Rich tables for people, JSON for scripts. National ids masked."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.clinic.labels import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    FIELD_LABELS,
    PROSE_FIELDS,
    SEVERITY_LABELS,
    TIME_FIELDS,
    VALUE_LABELS,
)
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, table
from oppgjor.core.findings import Finding
from oppgjor.core.money import format_nok

out = Console()
err = Console(stderr=True)

SEVERITY_STYLE = {"BLOCKING": "bold red", "WARNING": "yellow", "INFO": "cyan"}


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


def field_kind(name: str) -> str:
    if name in AMOUNT_FIELDS:
        return AMOUNT
    return TEXT if name in PROSE_FIELDS else FIXED


def shown(name: str, value: str) -> str:
    """A record's cell as a person reads it: dates as 31.12.2026, amounts as 2 935,50,
    coded values in words. Unreadable values are shown as they are."""
    if not value:
        return value
    try:
        if name in DATE_FIELDS:
            return f"{datetime.date.fromisoformat(value):%d.%m.%Y}"
        if name in TIME_FIELDS:
            return f"{datetime.datetime.fromisoformat(value):%d.%m.%Y %H:%M}"
        if name in AMOUNT_FIELDS:
            return format_nok(Decimal(value))
    except (ValueError, ArithmeticError):
        return value
    return VALUE_LABELS.get(name, {}).get(value, value)


def count_line(label: str, number: int) -> str:
    """``avdelinger: 2``, the number as Norwegians write it (``2 984``)."""
    return f"{label}: {format_count(number)}"


def format_count(number: int) -> str:
    """A whole number with a space between thousands: ``2 984``."""
    return f"{number:,}".replace(",", " ")


def print_records(
    kind: str,
    records: Sequence[Any],
    as_json: bool,
    title: str,
    *,
    total: int | None = None,
    offset: int = 0,
) -> None:
    """A list of records, identity numbers masked. *total*: how many there are in all when
    *records* is one page of them (from *offset*); the title says which."""
    rows = [masked_row(kind, r) for r in records]
    if as_json:
        print_json(rows)
        return
    print_rows(kind, rows, title, total=total, offset=offset)


def print_rows(
    kind: str,
    rows: Sequence[dict[str, str]],
    title: str,
    *,
    total: int | None = None,
    offset: int = 0,
    columns: Sequence[str] | None = None,
) -> None:
    """Rows of *kind* (file rows, already masked) as a table with Norwegian headers: the
    kind's list columns (or *columns*), less those empty in every row."""
    wanted = columns if columns is not None else KINDS[kind].list_columns
    # a column empty in every row is left out, so the others have room (show has every field)
    shown_columns = [c for c in wanted if not rows or any(r.get(c) for r in rows)]
    total = len(rows) if total is None else total
    if len(rows) < total:
        first = offset + 1 if rows else 0
        heading = f"{title}, viser {first}–{offset + len(rows)} av {format_count(total)}"
    else:
        heading = f"{title} ({format_count(total)})"
    result = table(heading, *((field_label(c), field_kind(c)) for c in shown_columns))
    for row in rows:
        result.add_row(*(Text(shown(c, row.get(c, ""))) for c in shown_columns))
    out.print(result)


def print_record(kind: str, record: Any, as_json: bool, *, revealed: bool = False) -> None:
    """One record, its identity number masked unless it was *revealed* (and audited)."""
    row = row_of(kind, record) if revealed else masked_row(kind, record)
    if as_json:
        print_json(row)
        return
    result = table(None, ("felt", FIXED), ("verdi", TEXT))
    result.show_header = False
    for key, value in row.items():
        result.add_row(field_label(key), Text(shown(key, value)))
    out.print(result)


def severity_text(severity: str) -> Text:
    """A finding's severity in Norwegian (BLOKKERENDE, ADVARSEL, INFO), coloured."""
    return Text(SEVERITY_LABELS.get(severity, severity), SEVERITY_STYLE.get(severity, ""))


def print_findings(findings: Iterable[Finding], console: Console = out) -> None:
    """Each finding as a short block: severity, code and where on one line, the message
    under it, and the command (or record) that fixes it on a line of its own, so a command
    is never broken inside a word and can be copied whole."""
    findings = list(findings)
    if not findings:
        return
    console.print(Text(f"Funn ({format_count(len(findings))})", style="bold"))
    for f in findings:
        # the location and message may repeat what a file held: shown as text, never markup
        head = Text.assemble(severity_text(f.severity.value), "  ", f.code, "  ", f.location)
        console.print(head)
        console.print(Padding(Text(f.message), (0, 0, 0, 2)))
        fix = f.fix or f.link
        if fix:
            console.print(Padding(Text(f"rett: {fix}", style="cyan"), (0, 0, 0, 2)))
