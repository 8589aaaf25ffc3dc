"""The audit trail of records (table ``audit_event``): who did what to which record, when.

Kept when the record is deleted. *detail* is JSON text; it never holds a national id in full
(a reveal records that the id was shown, not the id)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select

from oppgjor.core.changes import differences, plain
from oppgjor.store import bulk
from oppgjor.store import tables as t

ACTOR_LENGTH = 100  # audit_event.actor
_COLUMNS = ("at", "actor", "kind", "ref", "action", "detail")


@dataclass(frozen=True)
class AuditEvent:
    at: datetime.datetime
    actor: str
    kind: str  # patient, settlement, ...
    ref: str  # the record's ref ("*" for every record of the kind)
    action: str  # created, updated, deleted, reveal, export, ... (see record_change)
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


def record_change(
    at: datetime.datetime,
    actor: str,
    kind: str,
    ref: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    action: str | None = None,
    changed: Mapping[str, tuple[Any, Any]] | None = None,
) -> AuditEvent | None:
    """The event for one record's change, from snapshots (:func:`oppgjor.core.changes.snapshot`)
    of it before and after: ``created`` keeps every field after, ``deleted`` every field
    before, ``updated`` (or *action*, e.g. ``cancelled``) only the fields that differ.
    ``None`` when nothing changed. *kind* is the record's noun in the registry's English
    singular (``series``, ``patient``, ``appointment``, ``practice``). *changed*: the
    differences when the caller knows them better than the snapshots do
    (:func:`oppgjor.core.changes.record_differences`: a masked field changed)."""
    if before is None and after is None:
        return None
    if before is None:
        detail: dict[str, Any] = {"after": after}
        action = action or "created"
    elif after is None:
        detail = {"before": before}
        action = action or "deleted"
    else:
        changed = differences(before, after) if changed is None else changed
        if not changed:
            return None
        detail = {
            "before": {k: old for k, (old, _) in changed.items()},
            "after": {k: new for k, (_, new) in changed.items()},
        }
        action = action or "updated"
    return AuditEvent(at, actor, kind, ref, action, detail)


class AuditRepository:
    """The audit trail of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def last_id(self) -> int:
        """The id of the newest event (0: none): it moves on with every record changed."""
        return int(self.conn.scalar(select(func.max(t.audit_event.c.id))) or 0)

    def add(self, event: AuditEvent) -> int:
        a = t.audit_event
        values = {
            "at": event.at,
            "actor": event.actor[:ACTOR_LENGTH],
            "kind": event.kind,
            "ref": event.ref,
            "action": event.action,
            "detail": json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
        }
        return int(self.conn.scalar(insert(a).values(**values).returning(a.c.id)) or 0)

    def add_many(self, events: Sequence[AuditEvent]) -> None:
        """Insert many events at once (an import that changes thousands of records)."""
        if not events:
            return
        # values JSON cannot hold (an import's events carry the records' own fields:
        # changes.fields_of) become text as changes.plain makes it
        dumps = json.JSONEncoder(ensure_ascii=False, default=plain).encode
        rows = [
            (e.at, e.actor[:ACTOR_LENGTH], e.kind, e.ref, e.action, dumps(e.detail)) for e in events
        ]
        bulk.insert_many(self.conn, t.audit_event, _COLUMNS, rows)

    def add_created(
        self,
        at: datetime.datetime,
        actor: str,
        kind: str,
        created: Sequence[tuple[str, dict[str, Any]]],
    ) -> None:
        """One ``created`` event per (ref, fields) of *created*, as :func:`record_change`
        makes it, without building each event first (an import creates thousands)."""
        if not created:
            return
        dumps = json.JSONEncoder(ensure_ascii=False, default=plain).encode
        who = actor[:ACTOR_LENGTH]
        rows = [(at, who, kind, ref, "created", dumps({"after": after})) for ref, after in created]
        bulk.insert_many(self.conn, t.audit_event, _COLUMNS, rows)

    def find(
        self, *, kind: str | None = None, ref: str | None = None, action: str | None = None
    ) -> list[AuditEvent]:
        """The events matching every given filter, oldest first."""
        a = t.audit_event
        query = select(a).order_by(a.c.id)
        for column, value in (("kind", kind), ("ref", ref), ("action", action)):
            if value is not None:
                query = query.where(a.c[column] == value)
        return [
            AuditEvent(
                at=row["at"],
                actor=row["actor"],
                kind=row["kind"],
                ref=row["ref"],
                action=row["action"],
                detail=json.loads(row["detail"]) if row["detail"] else {},
                id=row["id"],
            )
            for row in self.conn.execute(query).mappings()
        ]
