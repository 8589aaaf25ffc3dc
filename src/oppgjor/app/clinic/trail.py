"""The audit trail of the clinic's records: one event per record created or changed, with
what it held before and after (:mod:`oppgjor.core.changes`; identity numbers masked).

A save or an import reads the stored records it is about to change in bulk (one query per
kind, not one per row), writes, then adds every event in one insert.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from oppgjor.app.clinic.kinds import RecordKind, Written
from oppgjor.core.changes import fields_of, record_differences, snapshot
from oppgjor.store.audit import AuditEvent, record_change
from oppgjor.store.repos import Repos

# who a change is recorded for when a library caller does not say (the CLI always does)
SYSTEM_ACTOR = "system"
# the practice is one record without a ref: its history is under this ref
PRACTICE_REF = "praksis"
CHUNK = 5000  # events built and inserted at a time


def audit_ref(kind: RecordKind, record: Any, new_id: int | None = None) -> str:
    """The ref a record's events are kept under: its key (a tariff period's is
    ``code/specialty/valid_from``); an appointment without one, ``#<id>``."""
    key = kind.rows.key(record) if kind.rows is not None else ""
    if key:
        return str(key)
    return f"#{new_id}" if new_id is not None else ""


def before(repos: Repos, kind: RecordKind, records: Sequence[Any]) -> dict[str, Any]:
    """The stored records *records* will replace, by ref (kinds keyed by ref; the other
    kinds only ever add records)."""
    if not kind.updatable or not records:
        return {}
    refs = [audit_ref(kind, r) for r in records]
    return {audit_ref(kind, r): r for r in repos.records_by_ref(kind.key, refs)}


def add(
    repos: Repos,
    kind: RecordKind,
    records: Sequence[Any],
    written: Written,
    befores: dict[str, Any],
    *,
    actor: str,
    at: datetime.datetime,
) -> None:
    """Add one event per record that was created or whose fields changed, a chunk at a
    time (an import's events are not all held at once)."""
    added = written.added if written.added is not None else records
    ids = list(written.ids)
    for start in range(0, len(added), CHUNK):
        chunk: list[AuditEvent] = []
        created: list[tuple[str, dict[str, Any]]] = []
        for n in range(start, min(start + CHUNK, len(added))):
            record = added[n]
            ref = audit_ref(kind, record, ids[n] if n < len(ids) else None)
            old = befores.get(ref)
            if old is None:  # created: every field, as the encoder will write it
                created.append((ref, fields_of(record)))
                continue
            event = record_change(
                at, actor, kind.name, ref, snapshot(old), snapshot(record),
                changed=record_differences(old, record),
            )  # fmt: skip
            if event is not None:
                chunk.append(event)
        repos.audit.add_created(at, actor, kind.name, created)
        repos.audit.add_many(chunk)
