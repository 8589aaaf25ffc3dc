"""Helfo direct settlement: claims, settlements, their events, findings and messages."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from oppgjor.store.tables.base import MONEY, metadata

# -- Helfo direct settlement ---------------------------------------------------------------

counter = Table(
    "counter",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

claim = Table(
    "claim",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False),
    Column("guid", String(40), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("appointment_id", ForeignKey("appointment.id")),
    Column("appointment_ref", String(64)),
    Column("credit_of", ForeignKey("claim.id")),
    Column("type", String(20), nullable=False),
    Column("patient_ref", String(32), nullable=False),
    Column("practitioner_ref", String(32), nullable=False),
    Column("series_ref", String(32)),
    Column("service_time", DateTime, nullable=False),
    Column("lines_json", Text, nullable=False),
    Column("diagnosis_system", String(8)),
    Column("diagnosis_code", String(16)),
    Column("referral_date", Date),
    Column("referrer_ref", String(32)),
    Column("copayment_reason", String(2)),
    Column("refund", MONEY, nullable=False),
    Column("copayment", MONEY, nullable=False),
    Column("frozen", Boolean, nullable=False, default=False),
    Column("outcome", String(10)),
    Column("outcome_code", String(16)),
    Column("outcome_text", Text),
    Column("credited", Boolean, nullable=False, default=False),
    Column("copayment_paid", Boolean, nullable=False, default=False),
    Column("sent_on", Date),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("number", "kind"),
    UniqueConstraint("guid", "kind"),
    Index("ix_claim_patient_service", "patient_ref", "service_time"),
    Index("ix_claim_appointment", "appointment_id"),
    # an appointment yields one live claim; a credited one may be followed by a new one
    Index(
        "uq_claim_live_appointment",
        "appointment_id",
        unique=True,
        sqlite_where=text("kind = 'claim' AND NOT credited"),
        postgresql_where=text("kind = 'claim' AND NOT credited"),
    ),
    sqlite_autoincrement=True,  # ids are never reused (migration 0006)
)

settlement = Table(
    "settlement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(20), nullable=False),
    Column("date", Date, nullable=False),
    Column("state", String(12), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("count", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("sent_at", DateTime),
    Column("sent_total", MONEY),
    Column("sent_count", Integer),
    Column("transport", String(32)),
    Column("transport_ref", String(200)),
    Column("payout_amount", MONEY),
    Column("payout_date", Date),
    Column("booked_at", DateTime),
    Column("control_version", Integer),
    Column("control_key", String(64)),
    Column("control_blocking", Integer),
    Column("corrects_id", ForeignKey("settlement.id", ondelete="SET NULL")),
    # a payout that differs from the approved total: awaiting, or write-off with a reason
    Column("payout_approved", MONEY),
    Column("payout_decision", String(12)),
    Column("payout_decision_reason", Text),
    sqlite_autoincrement=True,  # a deleted draft's id (and history) is never handed on
)

# which claims a settlement holds; a claim is active in at most one settlement (the index)
settlement_claim = Table(
    "settlement_claim",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="CASCADE"), nullable=False),
    Column("claim_id", ForeignKey("claim.id"), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("removed_at", DateTime),
    Column("removed_reason", String(200)),
    Index("ix_settlement_claim_settlement", "settlement_id"),
    Index("ix_settlement_claim_claim", "claim_id"),
    Index(
        "uq_settlement_claim_active_claim",
        "claim_id",
        unique=True,
        sqlite_where=text("active"),
        postgresql_where=text("active"),
    ),
)

# the audit trail: kept when a draft is deleted, so no foreign key
settlement_event = Table(
    "settlement_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", Integer, nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("before", String(12)),
    Column("after", String(12)),
    Column("detail", Text, nullable=False),
    sqlite_autoincrement=True,
)

control_finding = Table(
    "control_finding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("claim_id", ForeignKey("claim.id")),
    Column("code", String(48), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("location", String(200), nullable=False),  # as rendered, for people reading SQL
    Column("location_kind", String(20), nullable=False),  # core.findings.Location, structured
    Column("location_ref", String(64)),
    Column("location_field", String(200), nullable=False),
    Column("location_row", Integer),
    Column("link", String(100), nullable=False),
    Column("rule", String(100), nullable=False),
    Index("ix_control_finding_settlement_version", "settlement_id", "version"),
)

copayment_registration = Table(
    "copayment_registration",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", ForeignKey("claim.id"), nullable=False, index=True),
    Column("paid_on", Date, nullable=False),
    Column("correction", Boolean, nullable=False),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="SET NULL")),
    Column("created_at", DateTime, nullable=False),
)

# every answer Helfo gave on a claim (a corrected claim keeps its earlier rejections)
claim_outcome = Table(
    "claim_outcome",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", ForeignKey("claim.id"), nullable=False, index=True),
    Column("settlement_id", Integer, nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("code", String(16)),
    Column("text", Text),
    Column("at", DateTime, nullable=False),
)

# every message sent for a settlement (a resend is a new message id; late receipts still match)
sent_message = Table(
    "sent_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id"), nullable=False, index=True),
    Column("msg_id", String(64), nullable=False, unique=True),
    Column("transport", String(32), nullable=False),
    Column("location", Text, nullable=False),
    Column("sent_at", DateTime, nullable=False),
)

# every receipt read, applied or not: a receipt is never applied twice
received_message = Table(
    "received_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("msg_id", String(64), nullable=False, unique=True),
    Column("original_msg_id", String(64)),
    Column("settlement_id", Integer),
    Column("status", String(8), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("received_at", DateTime, nullable=False),
)
