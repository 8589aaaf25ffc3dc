"""The audit trail of records (table ``audit_event``): who did what to which record, when.

Kept when the record is deleted. *detail* is JSON text; it never holds a national id in full
(a reveal records that the id was shown, not the id)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select

from oppgjor.store import tables as t

ACTOR_LENGTH = 100  # audit_event.actor


@dataclass(frozen=True)
class AuditEvent:
    at: datetime.datetime
    actor: str
    kind: str  # patient, settlement, ...
    ref: str  # the record's ref ("*" for every record of the kind)
    action: str  # reveal, export, ...
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


class AuditRepository:
    """The audit trail of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

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
