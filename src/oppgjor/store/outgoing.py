"""The intents of outgoing messages (ADR 0012): recorded before a message leaves, moved from
state to state only by the one who finds it in the state it expects."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from oppgjor.store import tables as t

INTENDED, STAGED, DONE, ABANDONED = "intended", "staged", "done", "abandoned"
PENDING = (INTENDED, STAGED)


@dataclass(frozen=True)
class Intent:
    id: int
    intent: str
    channel: str
    subject_kind: str
    subject_id: int
    msg_id: str | None
    content_hash: str | None
    file_name: str | None
    target: str | None
    resend: bool
    state: str
    reference: str | None
    actor: str
    created_at: datetime.datetime


_FIELDS = tuple(Intent.__dataclass_fields__)


class OutgoingRepository:
    """The outgoing messages of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        *,
        intent: str,
        channel: str,
        subject_kind: str,
        subject_id: int,
        actor: str,
        at: datetime.datetime,
        resend: bool = False,
        msg_id: str | None = None,
        content_hash: str | None = None,
        file_name: str | None = None,
        target: str | None = None,
    ) -> Intent:
        o = t.outgoing_message
        values: dict[str, Any] = {
            "intent": intent, "channel": channel, "subject_kind": subject_kind,
            "subject_id": subject_id, "msg_id": msg_id, "content_hash": content_hash,
            "file_name": file_name, "target": target, "resend": resend, "state": INTENDED,
            "actor": actor, "created_at": at, "updated_at": at,
        }  # fmt: skip
        new_id = self.conn.execute(insert(o).values(**values).returning(o.c.id)).scalar_one()
        return Intent(id=new_id, reference=None, **{k: v for k, v in values.items()
                                                     if k in _FIELDS})  # fmt: skip

    def pending(self, subject_kind: str, subject_id: int | None = None) -> list[Intent]:
        """Intents not yet finished, oldest first (of one subject, or of every subject)."""
        o = t.outgoing_message
        where = [o.c.subject_kind == subject_kind, o.c.state.in_(PENDING)]
        if subject_id is not None:
            where.append(o.c.subject_id == subject_id)
        query = select(*(o.c[f] for f in _FIELDS)).where(and_(*where)).order_by(o.c.id)
        return [Intent(**row) for row in self.conn.execute(query).mappings()]

    def of(self, subject_kind: str, subject_id: int) -> Sequence[Intent]:
        o = t.outgoing_message
        query = select(*(o.c[f] for f in _FIELDS)).where(
            and_(o.c.subject_kind == subject_kind, o.c.subject_id == subject_id)
        )
        return [Intent(**row) for row in self.conn.execute(query.order_by(o.c.id)).mappings()]

    def move(
        self, intent: Intent, to: str, at: datetime.datetime, reference: str | None = None
    ) -> bool:
        """Move *intent* on to state *to*, if it is still in the state it was read in."""
        o = t.outgoing_message
        values: dict[str, Any] = {"state": to, "updated_at": at}
        if reference is not None:
            values["reference"] = reference[:200]
        stmt = (
            update(o).where(and_(o.c.id == intent.id, o.c.state == intent.state)).values(**values)
        )
        return self.conn.execute(stmt).rowcount == 1
