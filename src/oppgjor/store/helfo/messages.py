"""Messages sent to Helfo and receipts read back."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError

from oppgjor.store import tables as t
from oppgjor.store.db import StoreError


def _length(column: Column[Any]) -> int:
    length = getattr(column.type, "length", None)
    assert isinstance(length, int), column
    return length


def receipt_limits() -> dict[str, int]:
    """The longest value the database stores for each part of a receipt: its id, the id of
    the message it answers, its status, and an error code (kept as a claim's outcome)."""
    r = t.received_message
    return {
        "msg_id": _length(r.c.msg_id),
        "original_msg_id": _length(r.c.original_msg_id),
        "status": _length(r.c.status),
        "error_code": min(_length(t.claim.c.outcome_code), _length(t.claim_outcome.c.code)),
    }


class MessageRepository:
    """The message tables of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- messages --------------------------------------------------------------------------
    def add_sent(
        self, settlement_id: int, msg_id: str, transport: str, location: str, at: datetime.datetime
    ) -> None:
        self.conn.execute(
            insert(t.sent_message).values(
                settlement_id=settlement_id, msg_id=msg_id, transport=transport,
                location=location, sent_at=at,
            )
        )  # fmt: skip

    def sending(self, settlement_id: int) -> bool:
        """A message for the settlement is on its way: its intent is not yet finished."""
        o = t.outgoing_message
        query = select(o.c.id).where(
            o.c.subject_kind == "settlement",
            o.c.subject_id == settlement_id,
            o.c.state.in_(("intended", "staged")),
        )
        return self.conn.scalar(query.limit(1)) is not None

    def settlement_of(self, msg_id: str) -> int | None:
        m = t.sent_message
        return self.conn.scalar(select(m.c.settlement_id).where(m.c.msg_id == msg_id))

    def sent(self, settlement_id: int) -> list[tuple[str, str, str, datetime.datetime]]:
        """(msg_id, transport, location, sent_at) of a settlement's messages, oldest first."""
        m = t.sent_message
        query = select(m.c.msg_id, m.c.transport, m.c.location, m.c.sent_at).where(
            m.c.settlement_id == settlement_id
        )
        return [tuple(r) for r in self.conn.execute(query.order_by(m.c.id))]

    @staticmethod
    def receipt_limits() -> dict[str, int]:
        return receipt_limits()

    def receipt_seen(self, msg_id: str) -> bool:
        return self.receipt_file(msg_id) is not None

    def receipt_file(self, msg_id: str) -> str | None:
        """The name of the file a receipt with this id was read from (None: never read)."""
        r = t.received_message
        return self.conn.scalar(select(r.c.file_name).where(r.c.msg_id == msg_id))

    def receipt_settlement(self, msg_id: str) -> int | None:
        r = t.received_message
        return self.conn.scalar(select(r.c.settlement_id).where(r.c.msg_id == msg_id))

    def add_received(
        self,
        msg_id: str,
        original: str | None,
        settlement_id: int | None,
        status: str,
        file_name: str,
        at: datetime.datetime,
    ) -> None:
        """Record a receipt as read. A value the database refuses (too long, a duplicate id)
        is a :class:`StoreError` whose text carries no SQL and no values."""
        try:
            self.conn.execute(
                insert(t.received_message).values(
                    msg_id=msg_id, original_msg_id=original, settlement_id=settlement_id,
                    status=status, file_name=file_name[:300], received_at=at,
                )
            )  # fmt: skip
        except DBAPIError as exc:
            raise StoreError(
                f"Databasen avviste kvitteringen ({type(exc.orig).__name__})."
            ) from None
