"""One record at a time, as an entrypoint handles it: built from named field values (read like
an import row: same values, same messages) and created (with a series template, if asked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oppgjor.app.clinic import actions, appointments, records, trail
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.errors import Rejected
from oppgjor.clinic.adapters.rows import RowReader, cell
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.store import Database


def record_from(kind: str, values: Mapping[str, Any], label: str = "kommandolinjen") -> Any:
    """A record of *kind* from its fields' values (text, or numbers and booleans as a JSON
    import reads them); Rejected with every value that cannot be read."""
    spec = KINDS[kind].rows
    assert spec is not None, f"{kind} has no fields"
    row = {k: cell(v) for k, v in values.items() if v is not None}
    reader = RowReader(row, label)
    record = spec.build(reader)
    if reader.findings:
        raise Rejected(reader.findings, "Ingenting ble lagret.")
    return record


@dataclass(frozen=True)
class Created:
    """What a create did: the report, the new record's key (``#<id>`` for an appointment
    stored without a ref) and the record as stored."""

    report: records.Report
    key: str
    record: Any


def create(
    db: Database,
    kind: str,
    values: Mapping[str, Any],
    *,
    template: str | None = None,
    actor: str = trail.SYSTEM_ACTOR,
    clock: Clock = SYSTEM_CLOCK,
    label: str = "kommandolinjen",
) -> Created:
    """Register a new record of *kind* from *values* (Conflict if its key exists; Rejected
    with the findings, nothing written). *template* (series): fill the empty fields first."""
    entry = KINDS[kind]
    record = record_from(kind, values, label)
    if template is not None and entry.templated:
        report = actions.save_series(db, record, template=template, actor=actor, clock=clock)
    else:
        report = records.save(db, kind, record, mode="create", actor=actor, clock=clock)
    assert entry.rows is not None
    key = entry.rows.key(record)
    if not key and report.ids:  # an appointment given no ref: the store named it
        stored = appointments.get(db, f"#{report.ids[0]}")
        return Created(report, appointments.key_of(stored), stored)
    return Created(report, key, records.get_record(db, kind, key))
