"""Tables every slice shares: the audit trail of records and the outgoing messages' intents."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from oppgjor.store.tables.base import metadata

# who did what to which record, when: kind and ref name the record, detail is JSON text
# (before/after, or what was revealed); kept when the record is deleted, so no foreign key
audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_audit_event_kind_ref", "kind", "ref", "id"),
    sqlite_autoincrement=True,  # ids are never reused (migration 0006)
)

# every message about to leave the building, before it leaves (ADR 0012): the intent is
# committed first, then the file is staged, moved into the outbox (or posted), and recorded as
# delivered; a run after a crash finds the intent and finishes it, never sending it twice
outgoing_message = Table(
    "outgoing_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("intent", String(64), nullable=False, unique=True),  # our key, made before sending
    Column("channel", String(32), nullable=False),  # utboks, portal, kuhr-api, (ehf)
    Column("subject_kind", String(20), nullable=False),  # settlement, (invoice)
    Column("subject_id", Integer, nullable=False),
    Column("msg_id", String(64)),  # the message's id, when it is known before sending
    Column("content_hash", String(64)),  # sha256 of the bytes staged
    Column("file_name", String(255)),
    Column("target", Text),  # the folder (or file) the message goes to
    Column("resend", Boolean, nullable=False, server_default="0"),
    Column("state", String(16), nullable=False),  # intended, staged, delivered, done, abandoned
    Column("reference", String(200)),  # what the channel answered (KUHR's message id)
    Column("actor", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_outgoing_message_subject", "subject_kind", "subject_id", "state"),
)
